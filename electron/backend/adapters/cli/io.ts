// The command line's connection to its process (streams, environment, signals), injected so tests run
// commands in-process, and what every command's registration is given.
import type { Logger } from '../../core/platform/index'

export interface CliIo {
  stdout(text: string): void
  stderr(text: string): void
  env: Readonly<Record<string, string | undefined>>
  /** True when stderr is a terminal (progress then redraws one line). */
  stderrIsTTY: boolean
  /** Calls `onSignal` on SIGINT/SIGTERM until the returned function unsubscribes. */
  signals(onSignal: () => void): () => void
  /** The folder of the running cli.js (out/main when built). */
  moduleDir: string
}

/** What registering a group of commands takes. */
export interface CommandDeps {
  io: CliIo
  setExit(code: number): void
  dataDirOption: string
  dataDirHelp: string
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

export const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`
