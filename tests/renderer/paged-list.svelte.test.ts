// PagedList, the list every list page shows a page at a time: a reload answers from the top, loadMore
// appends the next page of the shown answer, and a reply to a question no longer asked changes nothing.
import { describe, expect, it } from 'vitest'
import { ApiError } from '../../renderer/src/lib/api/client'
import { PagedList, type Page } from '../../renderer/src/lib/state/paged-list.svelte'
import { deferred, type Deferred } from '../support/fake-transport'

interface Ask {
  question: string
  offset: number
  limit: number
  reply: Deferred<Page<number>>
}

/** A list whose every fetch waits until the test answers it (so replies can come in any order). */
function listOf(options: { keepShownUpTo?: number; keyed?: boolean; endsAtShortPage?: boolean } = {}) {
  const asked: Ask[] = []
  const list = new PagedList<number, string>({
    fetch: (question, offset, limit) => {
      const reply = deferred<Page<number>>()
      asked.push({ question, offset, limit, reply })
      return reply.promise
    },
    pageSize: 3,
    ...(options.keepShownUpTo === undefined ? {} : { keepShownUpTo: options.keepShownUpTo }),
    ...(options.keyed ? { keyOf: (item: number) => item } : {}),
    ...(options.endsAtShortPage ? { endsAtShortPage: true } : {}),
  })
  return { list, asked }
}

/** Rows from..to, as a page of `total`. */
function rows(from: number, to: number, total: number): Page<number> {
  return { items: Array.from({ length: to - from + 1 }, (_, index) => from + index), total }
}

describe('PagedList', () => {
  it('shows the first page of a reload and appends the next one on loadMore', async () => {
    const { list, asked } = listOf()
    const loading = list.reload('a')
    expect(list.reloading).toBe(true)
    asked[0]!.reply.resolve(rows(1, 3, 5))
    await expect(loading).resolves.toEqual(rows(1, 3, 5))
    expect(list).toMatchObject({ items: [1, 2, 3], total: 5, loaded: true, reloading: false, hasMore: true })

    const more = list.loadMore()
    expect(list.loadingMore).toBe(true)
    expect(asked[1]).toMatchObject({ question: 'a', offset: 3, limit: 3 })
    asked[1]!.reply.resolve(rows(4, 5, 5))
    await more
    expect(list).toMatchObject({ items: [1, 2, 3, 4, 5], loadingMore: false, hasMore: false })
    await list.loadMore()
    expect(asked).toHaveLength(2)
  })

  it('drops the reply to a reload that a later reload superseded, whichever comes first', async () => {
    const { list, asked } = listOf()
    const first = list.reload('old')
    const second = list.reload('new')
    asked[1]!.reply.resolve(rows(10, 12, 3))
    await second
    asked[0]!.reply.resolve(rows(1, 3, 9))
    await expect(first).resolves.toBeNull()
    expect(list.items).toEqual([10, 11, 12])
    expect(list.total).toBe(3)
    expect(list.reloading).toBe(false)
  })

  it('keeps reloading while the latest reload is still out, even when an older one answers', async () => {
    const { list, asked } = listOf()
    const first = list.reload('old')
    void list.reload('new')
    asked[0]!.reply.resolve(rows(1, 3, 9))
    await first
    expect(list.reloading).toBe(true)
    expect(list.items).toEqual([])
    expect(list.loaded).toBe(false)
  })

  it('drops a next page asked before a reload, and a failure of a superseded reload', async () => {
    const { list, asked } = listOf()
    void list.reload('a')
    asked[0]!.reply.resolve(rows(1, 3, 9))
    await Promise.resolve()
    await Promise.resolve()
    const more = list.loadMore()
    const failing = list.reload('b')
    const latest = list.reload('c')
    asked[3]!.reply.resolve(rows(7, 9, 9))
    await latest
    asked[1]!.reply.resolve(rows(4, 6, 9))
    asked[2]!.reply.reject(new ApiError('internal', 'too late to matter'))
    await Promise.all([more, failing])
    expect(list.items).toEqual([7, 8, 9])
    expect(list.error).toBeNull()
    expect(asked[3]!.question).toBe('c')
  })

  it('keeps an error of the latest question, and clears it with the next answer', async () => {
    const { list, asked } = listOf()
    const failed = list.reload('a')
    asked[0]!.reply.reject(new ApiError('network', 'The backend cannot be reached.'))
    await expect(failed).resolves.toBeNull()
    expect(list.error).toMatchObject({ code: 'network', message: 'The backend cannot be reached.' })
    expect(list.loaded).toBe(true)
    const retried = list.reload('a')
    asked[1]!.reply.resolve(rows(1, 1, 1))
    await retried
    expect(list.error).toBeNull()
  })

  it('reloads as many rows as are shown, up to the channel limit', async () => {
    const { list, asked } = listOf({ keepShownUpTo: 5 })
    void list.reload('a')
    asked[0]!.reply.resolve(rows(1, 3, 9))
    await asked[0]!.reply.promise
    const more = list.loadMore()
    asked[1]!.reply.resolve(rows(4, 6, 9))
    await more
    void list.reload('a')
    expect(asked[2]).toMatchObject({ offset: 0, limit: 5 })
  })

  it('does not show a row twice when it moved to the next page meanwhile', async () => {
    const { list, asked } = listOf({ keyed: true })
    void list.reload('a')
    asked[0]!.reply.resolve(rows(1, 3, 6))
    await asked[0]!.reply.promise
    const more = list.loadMore()
    asked[1]!.reply.resolve({ items: [3, 4, 5], total: 6 })
    await more
    expect(list.items).toEqual([1, 2, 3, 4, 5])
  })

  it('with a capped total, ends at the first page shorter than asked', async () => {
    const { list, asked } = listOf({ endsAtShortPage: true })
    void list.reload('a')
    asked[0]!.reply.resolve(rows(1, 3, 3))
    await asked[0]!.reply.promise
    expect(list.hasMore).toBe(true)
    const more = list.loadMore()
    asked[1]!.reply.resolve(rows(4, 4, 3))
    await more
    expect(list.hasMore).toBe(false)
    expect(list.total).toBe(4)
  })
})
