// The reply envelope every channel uses, whichever host carries it (Electron IPC, HTTP, direct calls).
// Electron's invoke reduces thrown errors to a string, so errors travel as values.

export const ERROR_CODES = [
  'validation',
  'not_found',
  'conflict',
  'limit',
  'network',
  'unauthorized',
  'cancelled',
  'internal',
] as const
export type ErrorCode = (typeof ERROR_CODES)[number]

export interface AppErrorShape {
  code: ErrorCode
  message: string
  details?: unknown
}

export type Envelope<T> = { ok: true; value: T } | { ok: false; error: AppErrorShape }

/** Thrown inside the backend; turned into an error envelope at the boundary. */
export class AppError extends Error {
  readonly code: ErrorCode
  readonly details?: unknown
  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message)
    this.name = 'AppError'
    this.code = code
    this.details = details
  }
  toShape(): AppErrorShape {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details }
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value)
}
