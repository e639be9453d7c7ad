// Messages between Electron's main process and the backend's utility process (structured clone over
// postMessage). Requests carry an id so replies can arrive in any order.
import type { Envelope } from '../../../../shared/ipc/envelope'
import { GRANT_SOURCES, type GrantSource } from '../../../../shared/ipc/file-handle'
import type { SecretStorageInfo } from '../../core/platform/index'

/** The backend asks main for secrets: only main can use Electron's safeStorage. */
export type SecretOp = 'describe' | 'get' | 'set' | 'delete'

export type SecretReply =
  | { type: 'secret-reply'; id: number; ok: true; value: string | null; info?: SecretStorageInfo }
  | { type: 'secret-reply'; id: number; ok: false; message: string }

/**
 * Main registers a file the person chose (native dialog; later a drop or "open with") and gets its handle
 * back as a `reply` with the same id. Only main sends this: the page reaches the backend through `rpc`
 * alone, so it can never grant itself a path.
 */
export interface GrantFile {
  type: 'grant-file'
  id: number
  path: string
  source: GrantSource
}

export type ToBackend =
  | { type: 'rpc'; id: number; channel: string; request: unknown }
  | GrantFile
  | { type: 'shutdown' }
  | SecretReply

export type FromBackend =
  | { type: 'ready' }
  | { type: 'reply'; id: number; envelope: Envelope<unknown> }
  | { type: 'event'; name: string; payload: unknown }
  | { type: 'closed' }
  | { type: 'secret'; id: number; op: SecretOp; name: string; value?: string }

export function isToBackend(value: unknown): value is ToBackend {
  if (typeof value !== 'object' || value === null) return false
  const m = value as Record<string, unknown>
  if (m.type === 'shutdown') return true
  if (m.type === 'secret-reply') return typeof m.id === 'number' && typeof m.ok === 'boolean'
  if (m.type === 'grant-file') {
    return (
      typeof m.id === 'number' &&
      typeof m.path === 'string' &&
      (GRANT_SOURCES as readonly unknown[]).includes(m.source)
    )
  }
  return m.type === 'rpc' && typeof m.id === 'number' && typeof m.channel === 'string'
}

export function isFromBackend(value: unknown): value is FromBackend {
  if (typeof value !== 'object' || value === null) return false
  const m = value as Record<string, unknown>
  switch (m.type) {
    case 'ready':
    case 'closed':
      return true
    case 'reply':
      return typeof m.id === 'number' && typeof m.envelope === 'object' && m.envelope !== null
    case 'event':
      return typeof m.name === 'string'
    case 'secret':
      return (
        typeof m.id === 'number' &&
        typeof m.name === 'string' &&
        ['describe', 'get', 'set', 'delete'].includes(m.op as string)
      )
    default:
      return false
  }
}
