// The history of sync runs: one row per push or pull, written when it starts (so a kill leaves a trace,
// marked interrupted at the next start) and completed when it ends.
import type { SyncRun } from '../../../../shared/ipc/channels/sync'
import type { Db } from '../db/connection'

export interface RunResult {
  status: Exclude<SyncRun['status'], 'running' | 'interrupted'>
  records: number
  rejected: number
  conflicts: number
  requests: number
  retries: number
  error: { code: string; message: string } | null
  notes: string[]
}

/** A run that has done nothing yet: push and pull start from it and count up. */
export function freshRunResult(): RunResult {
  return {
    status: 'succeeded',
    records: 0,
    rejected: 0,
    conflicts: 0,
    requests: 0,
    retries: 0,
    error: null,
    notes: [],
  }
}

const MAX_NOTES = 20

interface RunRow {
  id: number
  kind: SyncRun['kind']
  trigger: string
  status: SyncRun['status']
  started_at: number
  finished_at: number | null
  records: number
  rejected: number
  conflicts: number
  requests: number
  retries: number
  error_code: string | null
  error_message: string | null
  endpoint: string | null
  notes: string
}

function toRun(row: RunRow): SyncRun {
  let notes: string[] = []
  try {
    const parsed: unknown = JSON.parse(row.notes)
    if (Array.isArray(parsed)) notes = parsed.filter((n): n is string => typeof n === 'string')
  } catch {
    notes = []
  }
  return {
    id: row.id,
    kind: row.kind,
    trigger: row.trigger,
    status: row.status,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    records: row.records,
    rejected: row.rejected,
    conflicts: row.conflicts,
    requests: row.requests,
    retries: row.retries,
    error: row.error_code === null ? null : { code: row.error_code, message: row.error_message ?? '' },
    endpoint: row.endpoint,
    notes,
  }
}

export class RunHistory {
  constructor(private readonly db: Db) {}

  /** Runs left 'running' by a process that died are marked interrupted. */
  markInterrupted(at: number): number {
    return this.db
      .prepare("UPDATE sync_runs SET status = 'interrupted', finished_at = ? WHERE status = 'running'")
      .run(at).changes
  }

  start(kind: SyncRun['kind'], trigger: string, endpoint: string | null, at: number): number {
    const info = this.db
      .prepare(
        "INSERT INTO sync_runs (kind, trigger, status, started_at, endpoint) VALUES (?, ?, 'running', ?, ?)",
      )
      .run(kind, trigger, at, endpoint)
    return Number(info.lastInsertRowid)
  }

  finish(id: number, result: RunResult, at: number): SyncRun {
    this.db
      .prepare(
        `UPDATE sync_runs SET status = ?, finished_at = ?, records = ?, rejected = ?, conflicts = ?, requests = ?,
           retries = ?, error_code = ?, error_message = ?, notes = ? WHERE id = ?`,
      )
      .run(
        result.status,
        at,
        result.records,
        result.rejected,
        result.conflicts,
        result.requests,
        result.retries,
        result.error?.code ?? null,
        result.error?.message ?? null,
        JSON.stringify(result.notes.slice(0, MAX_NOTES)),
        id,
      )
    return this.get(id) as SyncRun
  }

  get(id: number): SyncRun | undefined {
    const row = this.db.prepare('SELECT * FROM sync_runs WHERE id = ?').get(id) as RunRow | undefined
    return row ? toRun(row) : undefined
  }

  list(offset: number, limit: number): { items: SyncRun[]; total: number } {
    const rows = this.db
      .prepare('SELECT * FROM sync_runs ORDER BY id DESC LIMIT ? OFFSET ?')
      .all(limit, offset) as RunRow[]
    const total = (this.db.prepare('SELECT count(*) AS n FROM sync_runs').get() as { n: number }).n
    return { items: rows.map(toRun), total }
  }
}
