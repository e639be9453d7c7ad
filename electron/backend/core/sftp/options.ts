// SFTP's injectable parts and tuning: the scheduler on/off, timers and sleep (tests move time and
// shorten waits), the stability wait between two listings, retries, timeouts, the largest file taken.
// Every one has a default.
import { realSleep, realTimers, type Sleep, type Timers } from '../platform/timers'
import { CLEVERTAP_MAX_FILE_BYTES } from './size-limit'

export type SftpTimers = Timers

export interface SftpOptions {
  /**
   * Start due sources on a schedule. Default: on in the Electron app; the web host (`serve`) turns it on;
   * off for one-shot command-line commands, which must never start an import nobody asked for.
   */
  scheduler?: boolean
  timers?: SftpTimers
  /** Waits (the stability check, the backoff between attempts); resolves early when the signal aborts. */
  sleep?: Sleep
  /** Time between the two listings that tell a finished file from one still being written. */
  stabilityDelayMs?: number
  /** Download attempts per file when the connection drops, before the file is recorded failed. */
  attempts?: number
  /** First wait before a new attempt; it doubles up to retryMaxMs. */
  retryBaseMs?: number
  retryMaxMs?: number
  /** Connecting and the SSH handshake must finish within this. */
  connectTimeoutMs?: number
  /** A single SFTP request (list, stat, rename) must be answered within this. */
  requestTimeoutMs?: number
  /** No data for this long during a download: the connection is taken as dropped. */
  stallTimeoutMs?: number
  /** The longest the scheduler sleeps between two checks (clock changes and a suspended laptop are noticed). */
  checkIntervalMs?: number
  /**
   * The largest data file taken, in bytes, counted as it arrives. CleverTap's SFTP limit (5 GB) always
   * applies; a lower value here applies to every source of this backend.
   */
  maxFileBytes?: number
}

export type ResolvedSftpOptions = Required<SftpOptions>

export function resolveSftpOptions(
  options: SftpOptions,
  host: 'electron' | 'web' | 'test',
): ResolvedSftpOptions {
  return {
    scheduler: options.scheduler ?? host === 'electron',
    timers: options.timers ?? realTimers,
    sleep: options.sleep ?? realSleep,
    stabilityDelayMs: options.stabilityDelayMs ?? 10_000,
    attempts: options.attempts ?? 3,
    retryBaseMs: options.retryBaseMs ?? 2_000,
    retryMaxMs: options.retryMaxMs ?? 30_000,
    connectTimeoutMs: options.connectTimeoutMs ?? 20_000,
    requestTimeoutMs: options.requestTimeoutMs ?? 60_000,
    stallTimeoutMs: options.stallTimeoutMs ?? 60_000,
    checkIntervalMs: options.checkIntervalMs ?? 15 * 60_000,
    maxFileBytes: maxFileBytes(options.maxFileBytes),
  }
}

function maxFileBytes(given: number | undefined): number {
  if (given === undefined) return CLEVERTAP_MAX_FILE_BYTES
  if (!Number.isSafeInteger(given) || given < 1) {
    throw new Error(`sftp.maxFileBytes must be a whole number of bytes from 1 up, not ${String(given)}.`)
  }
  return Math.min(given, CLEVERTAP_MAX_FILE_BYTES)
}
