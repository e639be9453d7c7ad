// The push planner (core/sync/push-planner.ts), without a database or a server: a chunk of outbox rows
// cut into upload and delete requests, and a profile's later requests made to wait for its earlier ones.
import { describe, expect, it } from 'vitest'
import type { OutboxRow } from '../../electron/backend/core/sync/outbox-coalesce'
import { PushPlanner } from '../../electron/backend/core/sync/push-planner'

let nextId = 1
function row(objectId: string, kind: OutboxRow['kind'], payload: Record<string, unknown>): OutboxRow {
  const id = nextId++
  return { id, object_id: objectId, kind, payload: JSON.stringify(payload), created_at: id }
}
const event = (objectId: string) => row(objectId, 'event', { type: 'event', objectId, evtName: 'Viewed' })
const options = { installId: 'install', idempotencyKeys: false }

describe('PushPlanner', () => {
  it('cuts uploads at the batch size and deletes at 100 profiles', () => {
    const planner = new PushPlanner({ ...options, batchSize: 2 })
    const deletes = Array.from({ length: 101 }, (_, i) => row(`gone-${i}`, 'delete', {}))
    const { uploads, deletes: removals } = planner.plan([event('a'), event('b'), event('c'), ...deletes])
    expect(uploads.map((t) => t.records.length)).toEqual([2, 1])
    expect(removals.map((t) => t.deletes.length)).toEqual([100, 1])
  })

  it('never sends more than 1000 records in one request, whatever batch size is asked for', () => {
    const planner = new PushPlanner({ ...options, batchSize: 5000 })
    const rows = Array.from({ length: 1001 }, (_, i) => event(`p-${i}`))
    expect(planner.plan(rows).uploads.map((t) => t.records.length)).toEqual([1000, 1])
  })

  it('makes a profile’s request in a later chunk wait for the request that held it before', async () => {
    const planner = new PushPlanner({ ...options, batchSize: 10 })
    const first = planner.plan([event('a'), event('b')]).uploads
    const second = planner.plan([event('a'), event('c')]).uploads
    const third = planner.plan([event('c')]).uploads
    expect(first).toHaveLength(1)
    expect(first[0]?.after.size).toBe(0)
    expect([...(second[0]?.after ?? [])]).toEqual([first[0]?.done])
    expect([...(third[0]?.after ?? [])]).toEqual([second[0]?.done])
    // The follower starts once the task it follows is finished.
    let started = false
    const waiting = Promise.all(second[0]?.after ?? []).then(() => (started = true))
    await Promise.resolve()
    expect(started).toBe(false)
    first[0]?.finish()
    await waiting
    expect(started).toBe(true)
  })
})
