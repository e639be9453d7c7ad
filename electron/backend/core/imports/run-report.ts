// What a run tells people afterwards: counts, the first rejected rows, warnings and repeated identities,
// the rejected-rows CSV, and file-level notices, assembled into the ImportSummary every caller shows.
import type {
  EventImportCounts,
  FileFacts,
  ImportKind,
  ImportMapping,
  ImportRunMode,
  ImportRunStatus,
  ImportSummary,
  ProfileImportCounts,
  RowProblem,
} from '../../../../shared/ipc/channels/imports'
import { AppError } from '../../../../shared/ipc/envelope'
import { describeIdentitySet, type IdentitySetKey } from '../../../../shared/profile/identity-set'
import type { CsvLayout } from './csv-reader'
import type { PlanWriterFactory } from './profile-batch-writer'
import { RejectedRowsFile } from './rejected-rows'

/** Everything a run needs, as plain data (it crosses into a worker thread). */
export interface RunSpec {
  runId: number
  kind: ImportKind
  mode: ImportRunMode
  file: FileFacts
  layout: CsvLayout
  headers: string[]
  mapping: ImportMapping
  mappingName: string | null
  notices: string[]
  unplaced: string[]
  ignored: string[]
  /** Epoch seconds written on every change of the run. */
  at: number
  actor: string
  /** Epoch milliseconds. */
  startedAt: number
  errorFilePath: string
  /** How long the run may keep the event loop before yielding (ms). */
  sliceMs: number
  /** How long one batch should take (ms); batch sizes adapt to it. */
  batchMs: number
  /** How long a worker pauses after each batch's COMMIT, so other writers get the lock (ms; 0 in-thread). */
  gapMs: number
}

export interface RunHooks {
  signal: AbortSignal
  progress(phase: string, done: number, total: number | null): void
  /** Called after each committed batch (profiles.changed). */
  changed(): void
  /**
   * After each write transaction of the run commits (outside it), with how long it held the write lock:
   * the connection's checkpoint policy and its figures (import-checkpoints.ts).
   */
  committed?(lockMs: number): void
  /** Before the run is marked finished: the last checkpoint, inside the run's clock. */
  settle?(): void
  /** Epoch milliseconds. */
  now(): number
  /** An import's writer instead of the batch writer (in-thread only: a function cannot reach a worker). */
  writer?: PlanWriterFactory
}

const LIST_LIMIT = 100

export class RunReport {
  readonly rejections: RowProblem[] = []
  readonly warnings: RowProblem[] = []
  readonly duplicates: { line: number; firstLine: number; key: string }[] = []
  readonly notices: string[]
  rejected = 0
  warningCount = 0
  duplicateCount = 0
  readonly errors: RejectedRowsFile

  constructor(private readonly spec: RunSpec) {
    this.notices = [...spec.notices]
    this.errors = new RejectedRowsFile(spec.errorFilePath, spec.headers)
  }

  reject(cells: readonly string[], problem: RowProblem): void {
    this.rejected++
    if (this.rejections.length < LIST_LIMIT) this.rejections.push(problem)
    this.errors.add(cells, problem.reason)
  }

  warn(problems: readonly RowProblem[]): void {
    this.warningCount += problems.length
    for (const p of problems) if (this.warnings.length < LIST_LIMIT) this.warnings.push(p)
  }

  duplicate(line: number, firstLine: number, key: string): void {
    this.duplicateCount++
    if (this.duplicates.length < LIST_LIMIT) this.duplicates.push({ line, firstLine, key })
  }

  notice(text: string): void {
    if (!this.notices.includes(text)) this.notices.push(text)
  }

  summary(
    status: ImportRunStatus,
    counts: ProfileImportCounts | EventImportCounts,
    finishedAt: number,
    encoding: string,
    error: string | null,
  ): ImportSummary {
    this.errors.close()
    const spec = this.spec
    return {
      runId: spec.runId,
      kind: spec.kind,
      mode: spec.mode,
      status,
      file: { ...spec.file, encoding },
      mapping: spec.mapping,
      mappingName: spec.mappingName,
      counts,
      rejections: [...this.rejections].sort((a, b) => a.line - b.line),
      warnings: this.warnings,
      duplicates: this.duplicates,
      notices: this.notices,
      unplaced: spec.unplaced,
      ignored: spec.ignored,
      errorFile: this.errors.rows > 0 ? { path: spec.errorFilePath, rows: this.errors.rows } : null,
      startedAt: spec.startedAt,
      finishedAt,
      durationMs: Math.max(0, finishedAt - spec.startedAt),
      error,
    }
  }
}

export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}

/** Reads the header row of the stream and refuses a file whose header changed since it was prepared. */
export function checkHeader(cells: readonly string[], expected: readonly string[], fileName: string): void {
  const same = cells.length === expected.length && cells.every((c, i) => c === expected[i])
  if (!same) {
    throw new AppError(
      'validation',
      `${fileName} changed since it was read: its header row is different now. Preview it again.`,
    )
  }
}

/** Says how many rows with a new identity the identity set placed on an existing profile. */
export function reportSetMatches(
  report: RunReport,
  matchOn: readonly IdentitySetKey[],
  matched: Record<'Email' | 'Phone', number>,
): void {
  const total = matched.Email + matched.Phone
  if (total === 0) return
  const by = (['Email', 'Phone'] as const)
    .filter((key) => matched[key] > 0)
    .map((key) => `${matched[key]} by ${key}`)
    .join(', ')
  report.notice(
    `${total} ${total === 1 ? 'row' : 'rows'} with a new identity matched an existing profile without an identity (${by}): ` +
      `the identity set (${describeIdentitySet(matchOn)}; Settings) matches rows on those identifiers, so the profile took the row's identity.`,
  )
}

/** Sleeps the calling thread (an import worker's, between batches: it has no event loop work to do). */
export function pauseThread(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
}
