// CleverTap's restricted system event names: its SDKs raise them themselves, and the upload API refuses
// them with code 513 (CLEVERTAP-API.md §1, §2). One list for the app (recording, CSV imports, the outbox)
// and the sandbox.

export const RESTRICTED_EVENT_NAMES = [
  'App Launched',
  'Stayed',
  'UTM Visited',
  'Notification Sent',
  'Notification Viewed',
  'Notification Clicked',
] as const

export const RESTRICTED_EVENT_CODE = 513
/** The service's own text, as recorded on the wire. */
export const RESTRICTED_EVENT_TEXT =
  'Event Name is incorrect. ErrorCode: 513 - Trying to raise a restricted system event.'

const RESTRICTED_KEYS: ReadonlySet<string> = new Set(RESTRICTED_EVENT_NAMES.map((name) => name.toLowerCase()))

/** Compared as the service compares them: case-insensitively, outer spaces ignored. */
export function isRestrictedEventName(name: string): boolean {
  return RESTRICTED_KEYS.has(name.trim().toLowerCase())
}

/** CleverTap's 513 text, then what it means here and what to do. */
export function restrictedEventMessage(name: string): string {
  return (
    `${RESTRICTED_EVENT_TEXT} "${name}" is raised by CleverTap's own SDKs, so it cannot be recorded or ` +
    `uploaded (restricted: ${RESTRICTED_EVENT_NAMES.join(', ')}). Give your event another name.`
  )
}
