// What every `profile-desk` command shares: exit codes, option parsers, the logger that keeps stdout for
// results, and opening the backend on the chosen data folder for one command.
import { InvalidArgumentError } from 'commander'
import { resolveDataDir } from '../data-dir'
import { createBackend, type Backend, type BackendPorts } from '../ipc/create-backend'
import type { Logger } from '../../core/platform/logger'
import type { CliIo } from './program'

export const EXIT_OK = 0
export const EXIT_ERROR = 1
export const EXIT_USAGE = 2
export const EXIT_INTERRUPTED = 130

export function parseIntOption(name: string, min: number, max: number) {
  return (raw: string): number => {
    const value = Number(raw)
    if (!/^\s*\d+\s*$/.test(raw) || !Number.isSafeInteger(value) || value < min || value > max) {
      throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}.`)
    }
    return value
  }
}

export function cliLogger(io: CliIo): Logger {
  // stdout carries results (and --json); diagnostics go to stderr, routine info only when asked for.
  const verbose = io.env.PROFILE_DESK_VERBOSE === '1'
  return {
    info: (m) => {
      if (verbose) io.stderr(`${m}\n`)
    },
    warn: (m) => io.stderr(`warning: ${m}\n`),
    error: (m, ...rest) => {
      const cause = rest.find((r): r is Error => r instanceof Error)
      io.stderr(`error: ${m}${cause ? `: ${cause.message}` : ''}\n`)
    },
  }
}

export function openBackend(
  dataDirFlag: string | undefined,
  io: CliIo,
  extra: Partial<BackendPorts> = {},
): Backend {
  const dataDir = resolveDataDir({ flag: dataDirFlag, env: io.env })
  return createBackend({ dataDir, host: 'web', logger: cliLogger(io), ...extra })
}

export async function withBackend<T>(
  dataDirFlag: string | undefined,
  io: CliIo,
  work: (b: Backend) => Promise<T>,
): Promise<T> {
  // One-shot: no background sync beside the command (it would push while the command works, then be cut off).
  const backend = openBackend(dataDirFlag, io, { sync: { autoSync: false } })
  try {
    return await work(backend)
  } finally {
    await backend.close()
  }
}

export const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`
