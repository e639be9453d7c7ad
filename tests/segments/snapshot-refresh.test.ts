// The snapshot notices commits nobody announced (PRAGMA data_version), but drops its columns only when
// the profiles moved: a setting or a job record must not make the next count reload everything.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SegmentDefinition } from '../../shared/segments/definition'
import { SegmentEngine } from '../../electron/backend/core/segments/engine'
import { openReadConnection } from '../../electron/backend/core/segments/read-connection'
import { openHarness, type Harness } from '../../test-support/store-harness'

let h: Harness
let engine: SegmentEngine

const plan = (value: string): SegmentDefinition => ({
  version: 1,
  join: 'and',
  conditions: [{ type: 'property', property: { kind: 'custom', key: 'plan' }, op: 'eq', value }],
})

beforeAll(async () => {
  h = openHarness()
  for (const value of ['pro', 'pro', 'free'])
    await h.call('profiles.create', { changes: [{ op: 'set', key: 'plan', value }] })
  engine = new SegmentEngine(openReadConnection(h.backend.context.db.name))
})
afterAll(async () => {
  engine.close()
  await h.close()
})

describe('the snapshot after a commit nobody announced', () => {
  it('keeps its columns when the profiles did not change, and reloads them when they did', () => {
    expect(engine.count(plan('pro'), h.now(), false).total).toBe(2)
    const loaded = engine.snapshot.columns.get('custom:plan')
    expect(loaded).toBeDefined()
    const db = h.backend.context.db
    db.prepare("INSERT INTO settings (key, value) VALUES ('bench.note', '\"x\"')").run()
    expect(engine.count(plan('pro'), h.now(), false).total).toBe(2)
    // The very same arrays: nothing was read again.
    expect(engine.snapshot.columns.get('custom:plan')).toBe(loaded)
    // A write to a profile behind the engine's back (no profiles.changed) is still seen.
    db.prepare(
      "UPDATE profiles SET custom = json_set(custom, '$.plan', 'pro'), updated_at = updated_at + 1000 WHERE json_extract(custom, '$.plan') = 'free'",
    ).run()
    expect(engine.count(plan('pro'), h.now(), false).total).toBe(3)
    expect(engine.snapshot.columns.get('custom:plan')).not.toBe(loaded)
  })
})
