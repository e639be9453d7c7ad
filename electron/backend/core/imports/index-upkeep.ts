// How an import keeps the search indexes while it writes in short batches. The B-tree indexes (name,
// email, identity, phone, dates; identifiers by value) stay live: exact and prefix search find every
// committed profile at once. The trigram index of a large import's new profiles is deferred: they are
// indexed after its last batch, in short chunks (text-index-catchup.ts), because keeping it live row by
// row costs several times that. Meanwhile substring search says it is still indexing.
import type { BackendContext } from '../context'
import { isStoreBusy } from '../db/busy'
import type { Db } from '../db/connection'
import type { WriteGap } from './import-checkpoints'
import { closeTextIndexRanges, indexTextChunk, pendingTextIndexRows } from './text-index-catchup'

/** Below this many rows the live trigram index is cheap enough. */
export const DEFER_TEXT_MIN_ROWS = 20_000
/** Ids per catch-up transaction: about 50–100 ms of lock on this machine. */
export const TEXT_CHUNK_ROWS = 4_000

/** Decided before anything is written, from the file's row count. */
export function deferTextIndexOf(fileRows: number): boolean {
  return fileRows >= DEFER_TEXT_MIN_ROWS
}

/**
 * Indexes every pending range (this import's and any an earlier, interrupted one left), one short
 * transaction per chunk (each after the run's gap, import-checkpoints.ts WriteGap), reporting ids done of
 * the ids pending at the start.
 */
export function catchUpTextIndex(
  db: Db,
  progress: (done: number, total: number) => void,
  gap?: WriteGap,
): void {
  const total = pendingTextIndexRows(db)
  const chunk = () => indexTextChunk(db, TEXT_CHUNK_ROWS)
  let done = 0
  for (;;) {
    const covered = gap ? gap.write(chunk) : chunk()
    if (covered === 0) break
    done += covered
    progress(Math.min(done, total), total)
  }
}

/**
 * At start-up: ranges an import that died left open are closed, and their profiles indexed in the
 * background, a chunk per timer tick, so the backend serves at once (substring search says it is still
 * indexing until then). Closing a range another process is still writing is safe: its later profiles are
 * indexed by the triggers.
 */
export function resumeTextIndexing(ctx: BackendContext): void {
  closeTextIndexRanges(ctx.db)
  if (pendingTextIndexRows(ctx.db) === 0) return
  let timer: NodeJS.Timeout | undefined
  const step = () => {
    timer = undefined
    try {
      if (indexTextChunk(ctx.db, TEXT_CHUNK_ROWS) > 0) timer = setTimeout(step, 10)
    } catch (error) {
      // Another connection held the write lock past the busy timeout: try again a little later.
      if (isStoreBusy(error)) timer = setTimeout(step, 1000)
      else ctx.logger.error('indexing imported profiles for substring search failed', error)
    }
  }
  timer = setTimeout(step, 0)
  ctx.onClose(() => clearTimeout(timer))
}
