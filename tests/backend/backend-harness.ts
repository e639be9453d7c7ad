// Test harness: a real backend on a real SQLite file in a temp dir, with a clock the test moves.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Channel, RequestOf, ResponseOf } from '../../shared/ipc/contract'
import type { AppErrorShape } from '../../shared/ipc/envelope'
import { createBackend, type Backend } from '../../electron/backend/adapters/ipc/create-backend'
import { silentLogger } from '../../electron/backend/core/platform/logger'

export interface Harness {
  backend: Backend
  dataDir: string
  /** The clock in milliseconds; move it with `advance`. */
  now(): number
  advance(ms: number): void
  call<C extends Channel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>>
  /** Dispatches and expects an error envelope; returns the error. */
  fail(channel: string, request: unknown): Promise<AppErrorShape>
  /** Rows of a table, for checking what was written. */
  rows<T = Record<string, unknown>>(sql: string, ...params: unknown[]): T[]
  close(): Promise<void>
}

export const START = Date.UTC(2026, 5, 15, 12, 0, 0)

export function openHarness(options: { dataDir?: string; start?: number; actor?: string } = {}): Harness {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'profile-desk-store-'))
  let now = options.start ?? START
  const backend = createBackend({
    dataDir,
    host: 'test',
    clock: () => now,
    logger: silentLogger,
    actor: options.actor ?? 'tester',
  })
  return {
    backend,
    dataDir,
    now: () => now,
    advance: (ms) => {
      now += ms
    },
    call: (channel, request) => backend.call(channel, request),
    async fail(channel, request) {
      const reply = await backend.dispatch(channel, request)
      if (reply.ok)
        throw new Error(`${channel} succeeded but was expected to fail: ${JSON.stringify(reply.value)}`)
      return reply.error
    },
    rows: <T>(sql: string, ...params: unknown[]) => backend.context.db.prepare(sql).all(...params) as T[],
    async close() {
      await backend.close()
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
