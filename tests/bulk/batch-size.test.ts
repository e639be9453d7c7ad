// How a set-wise bulk job or undo splits its rows into transactions: at most SET_WISE_BATCH each, all
// about equal, so a 100k selection is one transaction and no small batch commits on its own at the end.
import { describe, expect, it } from 'vitest'
import { evenBatch, SET_WISE_BATCH } from '../../electron/backend/core/bulk/bulk-job'

describe('evenBatch', () => {
  it('keeps a 100k selection (the benchmark: every tenth of 1M profiles) in one transaction', () => {
    expect(SET_WISE_BATCH).toBeGreaterThanOrEqual(100_010)
    expect(evenBatch(100_010, SET_WISE_BATCH)).toBe(100_010)
  })

  it('splits a bigger count into equal batches, none of them small', () => {
    expect(evenBatch(300_000, 128_000)).toBe(100_000)
    expect(evenBatch(128_001, 128_000)).toBe(64_001)
    const size = evenBatch(1_000_003, 128_000)
    expect(size).toBeLessThanOrEqual(128_000)
    expect(1_000_003 - size * (Math.ceil(1_000_003 / size) - 1)).toBeGreaterThan(size / 2)
  })

  it('gives a batch of at least one row for an empty count', () => {
    expect(evenBatch(0, 128_000)).toBe(1)
    expect(evenBatch(5, 128_000)).toBe(5)
  })
})
