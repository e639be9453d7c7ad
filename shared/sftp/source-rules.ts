// The rules of an SFTP source's fields, with the one wording every side shows: the source editor checks
// a draft with them before a round trip, the request schema (../ipc/channels/sftp.ts) applies them at the
// backend's boundary, and the backend names a missing secret the same way. Each check takes the value as
// it will be saved (trimmed text, a number) and returns null or what to do.
import type { AuthKind, SourceSettings } from './types'

export const MAX_SOURCE_NAME = 120
export const MAX_HOST = 255
export const MAX_USERNAME = 256
export const MAX_FOLDER = 1024
export const DEFAULT_SFTP_PORT = 22

/** Characters a host name or IP address never holds (a URL, a path, or `user@host` pasted in). */
const NOT_IN_A_HOST = /[\s/@]/

export function checkSourceName(name: string): string | null {
  if (name === '') return 'Give the source a name.'
  return name.length > MAX_SOURCE_NAME ? `A name of at most ${MAX_SOURCE_NAME} characters.` : null
}

export function checkHost(host: string): string | null {
  if (host === '') return 'Give the server’s host name or IP address.'
  if (NOT_IN_A_HOST.test(host)) return 'Only the host name or IP address: no spaces, slashes or user@.'
  return host.length > MAX_HOST ? `A host name of at most ${MAX_HOST} characters.` : null
}

export function checkPort(port: number): string | null {
  return Number.isInteger(port) && port >= 1 && port <= 65535
    ? null
    : `A port from 1 to 65535 (SFTP usually uses ${DEFAULT_SFTP_PORT}).`
}

export function checkUsername(username: string): string | null {
  if (username === '') return 'Give the user name to log in with.'
  return username.length > MAX_USERNAME ? `A user name of at most ${MAX_USERNAME} characters.` : null
}

export function checkFolder(folder: string): string | null {
  if (folder === '') return 'Give the folder on the server, e.g. /in.'
  return folder.length > MAX_FOLDER
    ? `A folder of at most ${MAX_FOLDER.toLocaleString('en')} characters.`
    : null
}

/** `SHA256:` and 43 base64 characters, as `ssh-keygen -lf` prints a host key (a trailing `=` may follow). */
export const FINGERPRINT_PATTERN = /^SHA256:[A-Za-z0-9+/]{43}=?$/
export const FINGERPRINT_MESSAGE =
  'a SHA-256 fingerprint as ssh-keygen -lf prints it, e.g. SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s'

/**
 * What to say when the login's secret is missing. `again`: one is stored, but the source now points at
 * another server, port, user or host key, where the stored one is never sent.
 */
export function missingSecretMessage(auth: AuthKind, again: boolean): string {
  if (auth === 'password') return again ? 'Give the password again.' : 'Give the password.'
  return again
    ? 'Paste the private key again, or choose its file.'
    : 'Paste the private key, or choose its file.'
}

type Destination = Pick<SourceSettings, 'host' | 'port' | 'username' | 'hostKey'>

/** What decides where a source's stored secrets may be sent. */
const DESTINATION: { field: keyof Destination; label: string }[] = [
  { field: 'host', label: 'the host' },
  { field: 'port', label: 'the port' },
  { field: 'username', label: 'the user name' },
  { field: 'hostKey', label: 'the trusted host key' },
]

/** Which of host, port, user name and trusted host key differ between the saved source and `next`. */
export function destinationChanges(saved: Destination, next: Destination): string[] {
  return DESTINATION.filter(({ field }) => (saved[field] ?? null) !== (next[field] ?? null)).map(
    (d) => d.label,
  )
}
