// CleverTap IDs for profiles created here (a device's own id is used when the profile comes from a device).
import { randomUUID } from 'node:crypto'

/** 32 lower-case hex digits, like the ids CleverTap's SDKs generate for a device. */
export function newObjectId(): string {
  return randomUUID().replaceAll('-', '')
}
