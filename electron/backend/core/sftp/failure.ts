// SFTP failures in plain words: what went wrong for people (`message`), and for the code deciding what to
// do next (`outcome`, and whether another attempt may work). Request errors of a live connection are
// classified here; connecting has its own (connection.ts).
import type { SftpTestOutcome } from '../../../../shared/ipc/channels/sftp'
import type { HostKey } from './fingerprint'

/** What went wrong, for people (`message`) and for the code deciding what to do next (`outcome`, `retryable`). */
export class SftpFailure extends Error {
  constructor(
    readonly outcome: SftpTestOutcome,
    message: string,
    /** True for a dropped or refused connection or a timeout: another attempt may work. */
    readonly retryable: boolean,
    readonly hostKey: HostKey | null = null,
  ) {
    super(message)
    this.name = 'SftpFailure'
  }
}

/** SFTP status codes (draft-ietf-secsh-filexfer): the ones a person can act on. */
const NO_SUCH_FILE = 2
const PERMISSION_DENIED = 3

export const DROPPED =
  /ECONNRESET|EPIPE|ECONNABORTED|No response from server|Unexpected (end|close)|Not connected|No SFTP connection|socket hang up|Connection lost|closed before|write after end/i

export function describeDetail(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  // ssh2-sftp-client prefixes the method name ("getConnection: ", "list: ").
  return message.replace(/^[\w.>-]+: /, '').replace(/^[\w.>-]+: /, '')
}

export function errorCode(error: unknown): unknown {
  return (error as { code?: unknown } | null)?.code
}

/** A failure of an SFTP request on a live connection (list, stat, rename…), for `path`. */
export function requestFailure(error: unknown, path: string, what: string): SftpFailure {
  if (error instanceof SftpFailure) return error
  const code = errorCode(error)
  const detail = describeDetail(error)
  if (code === NO_SUCH_FILE || code === 'ENOENT' || /No such file/i.test(detail)) {
    return new SftpFailure('folder_missing', `"${path}" does not exist on the server.`, false)
  }
  if (code === PERMISSION_DENIED || /Permission denied/i.test(detail)) {
    return new SftpFailure(
      'permission',
      `The server refused to ${what} "${path}" (permission denied).`,
      false,
    )
  }
  if (DROPPED.test(detail) || DROPPED.test(String(code))) {
    return new SftpFailure(
      'failed',
      `The connection dropped while trying to ${what} "${path}": ${detail}.`,
      true,
    )
  }
  return new SftpFailure('failed', `Could not ${what} "${path}": ${detail}.`, false)
}
