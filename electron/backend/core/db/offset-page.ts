// One page of a list read by LIMIT/OFFSET, with the total the list would have unpaged: import runs, SFTP
// runs, and the sync lists page this way (profiles.list seeks by checkpoints instead: profiles/page-checkpoints).
import type { Db } from './connection'

export interface OffsetPageQuery {
  /** The SELECT of the rows, ordered (LIMIT and OFFSET are added). */
  rows: string
  /** A SELECT of one row per item of the list, unpaged; its rows are counted. */
  count: string
  /** Parameters of both statements' placeholders, in order. */
  params?: readonly unknown[]
}

export function offsetPage<Row>(
  db: Db,
  query: OffsetPageQuery,
  offset: number,
  limit: number,
): { rows: Row[]; total: number } {
  const params = query.params ?? []
  const rows = db.prepare(`${query.rows} LIMIT ? OFFSET ?`).all(...params, limit, offset) as Row[]
  const { total } = db.prepare(`SELECT count(*) AS total FROM (${query.count})`).get(...params) as {
    total: number
  }
  return { rows, total }
}
