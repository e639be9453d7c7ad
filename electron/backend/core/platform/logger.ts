// Logging port. Secrets never go into a log line: callers pass ids and counts, never passcodes.
export interface Logger {
  info(message: string, ...rest: unknown[]): void
  warn(message: string, ...rest: unknown[]): void
  error(message: string, ...rest: unknown[]): void
}

export const consoleLogger: Logger = {
  info: (m, ...r) => console.log(`[profile-desk] ${m}`, ...r),
  warn: (m, ...r) => console.warn(`[profile-desk] ${m}`, ...r),
  error: (m, ...r) => console.error(`[profile-desk] ${m}`, ...r),
}

export const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} }
