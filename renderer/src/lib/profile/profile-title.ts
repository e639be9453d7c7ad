// What a profile is called on screen when it has no Name.
import type { ProfileType } from '$shared/profile/types'

export function profileTitle(name: string | null | undefined, type: ProfileType): string {
  if (name && name.trim() !== '') return name
  return type === 'Anonymous' ? 'Anonymous profile' : 'Unnamed profile'
}
