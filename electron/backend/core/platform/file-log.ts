// The log files: JSON lines in <data dir>/logs/, rotated by rotating-file-stream (daily and at 5 MB, 10
// files kept), at a level the person sets. Every line is scrubbed: e-mail addresses, phone-like numbers
// and registered secrets (passcodes, passwords) never reach a file, whatever a caller passes.
import { join } from 'node:path'
import { createStream, type RotatingFileStream } from 'rotating-file-stream'
import { LOGS_FOLDER } from './data-folder'
import type { Logger } from './logger'
import { ensurePrivateDir, PRIVATE_FILE_MODE } from './private-files'

import { LOG_LEVELS, type LogLevel } from '../../../../shared/ipc/app-info'

export { LOG_LEVELS, type LogLevel }
export const DEFAULT_LOG_LEVEL: LogLevel = 'info'
export const LOG_FILE = 'profile-desk.log'

const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}/gu
// Seven or more digits, with the separators phone numbers are written with: never an id or a count.
const PHONE = /\+?\d[\d ().-]{5,}\d/g

export interface FileLog extends Logger {
  debug(message: string, ...rest: unknown[]): void
  setLevel(level: LogLevel): void
  /** A value never to be written (a passcode read from the secret store). */
  redact(secret: string): void
  close(): Promise<void>
}

/** Secrets registered by any backend of this process: they are scrubbed from every log file. */
const SECRETS = new Set<string>()

export function redactSecret(secret: string): void {
  if (secret.length >= 4) SECRETS.add(secret)
}

export function scrub(text: string): string {
  let out = text
  for (const secret of SECRETS) out = out.split(secret).join('[secret]')
  return out
    .replace(EMAIL, '[email]')
    .replace(PHONE, (match) => (match.replace(/\D/g, '').length >= 7 ? '[number]' : match))
}

function describe(value: unknown): string {
  if (value instanceof Error) return `${value.name}: ${value.message}`
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  if (typeof value === 'string') return value
  // Objects may carry row values or settings: only their kind is logged.
  return `[${value === null ? 'null' : typeof value}]`
}

/** A logger writing to the data folder's logs/ and to `also` (the console or the CLI's stderr). */
export function openFileLog(dataDir: string, level: LogLevel, also: Logger): FileLog {
  const dir = join(dataDir, LOGS_FOLDER)
  ensurePrivateDir(dir)
  const stream: RotatingFileStream = createStream(LOG_FILE, {
    path: dir,
    size: '5M',
    interval: '1d',
    maxFiles: 10,
    mode: PRIVATE_FILE_MODE,
  })
  // A log that cannot be written must never stop the app: the console still has the line.
  stream.on('error', () => undefined)
  let threshold = LOG_LEVELS.indexOf(level)
  let closed = false
  const write = (lineLevel: LogLevel, message: string, rest: unknown[]) => {
    if (closed || LOG_LEVELS.indexOf(lineLevel) > threshold) return
    const detail = rest.map(describe).join(' ')
    const line = {
      t: new Date().toISOString(),
      level: lineLevel,
      msg: scrub(message),
      ...(detail ? { detail: scrub(detail) } : {}),
    }
    stream.write(`${JSON.stringify(line)}\n`)
  }
  return {
    error: (m, ...r) => {
      write('error', m, r)
      also.error(m, ...r)
    },
    warn: (m, ...r) => {
      write('warn', m, r)
      also.warn(m, ...r)
    },
    info: (m, ...r) => {
      write('info', m, r)
      also.info(m, ...r)
    },
    debug: (m, ...r) => write('debug', m, r),
    setLevel: (next) => {
      threshold = LOG_LEVELS.indexOf(next)
    },
    redact: redactSecret,
    close: () =>
      new Promise<void>((resolve) => {
        if (closed) return resolve()
        closed = true
        stream.end(() => resolve())
      }),
  }
}
