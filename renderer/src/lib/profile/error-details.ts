// What the profile page reads from an error reply's details: the profile holding an identifier value (a
// conflict from profiles.identifiers.add / profiles.update: `details.holder`, see the backend's
// assertIdentifierFree) and the holders of the control-group places (a `limit` from the exclusion).
import type { ControlGroupHolder } from '$shared/profile/types'

function field(details: unknown, name: string): unknown {
  return typeof details === 'object' && details !== null
    ? (details as Record<string, unknown>)[name]
    : undefined
}

function isHolder(value: unknown): value is ControlGroupHolder {
  return typeof value === 'object' && value !== null && typeof (value as ControlGroupHolder).id === 'string'
}

/** The CleverTap ID of the profile that already holds the identifier value; null when not named. */
export function identifierHolderId(details: unknown): string | null {
  const holder = field(details, 'holder')
  return isHolder(holder) ? holder.id : null
}

/** The profiles holding the control-group exclusion places; null when the reply names none. */
export function exclusionHolders(details: unknown): ControlGroupHolder[] | null {
  const list = field(details, 'holders')
  return Array.isArray(list) ? list.filter(isHolder) : null
}
