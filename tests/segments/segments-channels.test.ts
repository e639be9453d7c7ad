// Segments through the channels on a real backend: Scenario 1 and 2 counting, live counts with
// per-item counts and superseded requests, saved segments and their files, member pages, the CSV export
// job and Find People's segment filter.
import { readFileSync } from 'node:fs'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { SegmentDefinition } from '../../shared/segments/definition'
import { openHarness, type Harness } from '../../test-support/store-harness'

let h: Harness
beforeEach(() => {
  h = openHarness()
})
afterEach(async () => {
  await h.close()
})

const def = (conditions: SegmentDefinition['conditions'], join: 'and' | 'or' = 'and'): SegmentDefinition => ({
  version: 1,
  join,
  conditions,
})

async function count(definition: SegmentDefinition, seq = 1) {
  const reply = await h.call('segments.count', { seq, definition })
  if (reply.status !== 'counted') throw new Error('superseded')
  return reply
}

async function person(name: string, changes: { key: string; value: unknown; type?: string }[] = []) {
  return h.call('profiles.create', {
    changes: [{ op: 'set', key: 'Name', value: name }, ...changes].map((c) => ({ op: 'set', ...c })) as never,
  })
}

describe('segments: behaviour and the login rule', () => {
  it('Scenario 1: pre-login events count for the identified profile', async () => {
    await h.call('events.record', { deviceId: 'P', name: 'Product Viewed', ts: 1_781_000_000 })
    await h.call('events.record', { deviceId: 'P', identity: 'alice', name: 'Charged', ts: 1_781_000_100 })
    const viewed = def([{ type: 'behaviour', did: true, event: 'Product Viewed' }])
    const page = await h.call('segments.members', { source: { definition: viewed } })
    expect(page.total).toBe(1)
    expect(page.items[0]?.identity).toBe('alice')
  })

  it('Scenario 2: greyed events count for the anonymous profile, never for the identified one', async () => {
    await h.call('events.record', { deviceId: 'A', identity: 'bob', name: 'App Opened', ts: 1_781_000_000 })
    await h.call('events.record', { deviceId: 'B', name: 'Added To Cart', ts: 1_781_000_050 })
    await h.call('events.record', { deviceId: 'B', identity: 'bob', name: 'Charged', ts: 1_781_000_100 })
    const cart = def([{ type: 'behaviour', did: true, event: 'Added To Cart' }])
    const page = await h.call('segments.members', { source: { definition: cart } })
    expect(page.items.map((p) => p.id)).toEqual(['B'])
    const bob = def([
      { type: 'property', property: { kind: 'system', key: 'Identity' }, op: 'eq', value: 'bob' },
      { type: 'behaviour', did: false, event: 'Added To Cart' },
    ])
    expect((await count(bob)).total).toBe(1)
  })
})

describe('segments: counts, saved segments, members, export', () => {
  it('counts per item, sees edits at once, and answers an older request superseded', async () => {
    await person('Ana', [{ key: 'plan', value: 'pro', type: 'string' }])
    const zoe = await person('Zoë', [{ key: 'plan', value: 'Free', type: 'string' }])
    const pro = def(
      [
        { type: 'property', property: { kind: 'custom', key: 'plan' }, op: 'eq', value: 'PRO' },
        { type: 'property', property: { kind: 'system', key: 'Name' }, op: 'contains', value: 'zoe' },
      ],
      'or',
    )
    const first = await count(pro, 5)
    expect(first).toMatchObject({ total: 2, profiles: 2, items: [{ count: 1 }, { count: 1 }] })
    await h.call('profiles.update', { id: zoe.id, changes: [{ op: 'set', key: 'Name', value: 'Zed' }] })
    expect((await count(pro, 6)).total).toBe(1)
    expect(await h.call('segments.count', { seq: 4, definition: pro })).toEqual({
      seq: 4,
      status: 'superseded',
    })
  })

  it('judges each client by its own newest request: another page never supersedes it', async () => {
    await person('Ana', [{ key: 'plan', value: 'pro', type: 'string' }])
    const pro = def([{ type: 'property', property: { kind: 'custom', key: 'plan' }, op: 'eq', value: 'pro' }])
    // Page A has asked many times (a high number); page B, opened later, starts from 1.
    const a = await h.call('segments.count', { seq: 900, client: 'page-a', definition: pro })
    expect(a).toMatchObject({ status: 'counted', total: 1 })
    const b = await h.call('segments.count', { seq: 1, client: 'page-b', definition: pro })
    expect(b).toMatchObject({ seq: 1, status: 'counted', total: 1 })
    // Within one client, an older request is still superseded.
    expect(await h.call('segments.count', { seq: 899, client: 'page-a', definition: pro })).toEqual({
      seq: 899,
      status: 'superseded',
    })
    // Two counts in flight from two clients: both are answered.
    const [x, y] = await Promise.all([
      h.call('segments.count', { seq: 2, client: 'page-b', definition: pro }),
      h.call('segments.count', { seq: 901, client: 'page-a', definition: pro }),
    ])
    expect([x.status, y.status]).toEqual(['counted', 'counted'])
  })

  it('refuses an unknown property and a misfitting operator by name', async () => {
    const unknown = await h.fail('segments.count', {
      seq: 1,
      definition: def([{ type: 'property', property: { kind: 'custom', key: 'nope' }, op: 'exists' }]),
    })
    expect(unknown.code).toBe('validation')
    expect(unknown.message).toContain('"nope"')
    const misfit = await h.fail('segments.count', {
      seq: 2,
      definition: def([{ type: 'property', property: { kind: 'age' }, op: 'contains', value: 'x' }]),
    })
    expect(misfit.message).toContain('Age')
  })

  it('saves, renames, duplicates, exports and imports a segment, then deletes it', async () => {
    await person('Ana')
    const definition = def([{ type: 'property', property: { kind: 'system', key: 'Name' }, op: 'exists' }])
    const saved = await h.call('segments.save', { name: 'Named', definition })
    expect((await h.fail('segments.save', { name: 'named', definition })).code).toBe('conflict')
    await h.call('segments.rename', { id: saved.id, name: 'Has a name' })
    const copy = await h.call('segments.duplicate', { id: saved.id })
    expect(copy.name).toBe('Has a name (copy)')
    const file = await h.call('segments.exportDefinition', { id: saved.id })
    const imported = await h.call('segments.importDefinition', { content: file.content, name: 'Imported' })
    expect(imported.definition).toEqual(definition)
    expect((await h.fail('segments.importDefinition', { content: '{"format":"x"}' })).message).toContain(
      'not a segment file',
    )
    expect((await h.call('segments.list', {})).items.map((s) => s.name)).toEqual([
      'Has a name',
      'Has a name (copy)',
      'Imported',
    ])
    await h.call('segments.delete', { id: copy.id })
    expect((await h.fail('segments.get', { id: copy.id })).code).toBe('not_found')
  })

  it('pages members by name with chosen columns and filters Find People by a saved segment', async () => {
    for (const name of ['Cleo', 'anna', 'Bob', 'Ágata'])
      await person(name, [{ key: 'vip', value: true, type: 'boolean' }])
    await person('Dan')
    const vip = def([{ type: 'property', property: { kind: 'custom', key: 'vip' }, op: 'eq', value: true }])
    const page = await h.call('segments.members', {
      source: { definition: vip },
      columns: [
        { kind: 'system', key: 'Name' },
        { kind: 'custom', key: 'vip' },
      ],
      limit: 3,
    })
    expect(page.total).toBe(4)
    expect(page.items.map((p) => p.values)).toEqual([
      ['Ágata', true],
      ['anna', true],
      ['Bob', true],
    ])
    const saved = await h.call('segments.save', { name: 'VIP', definition: vip })
    const found = await h.call('profiles.search', { query: 'an', filters: { segmentId: saved.id } })
    expect(found.items.map((p) => p.name)).toEqual(['anna'])
    expect(found.total).toBe(1)
  })

  it('exports members to CSV with a BOM, formula-safe cells and accents intact', async () => {
    await person('=cmd|calc', [{ key: 'plan', value: 'pro', type: 'string' }])
    await person('José', [
      { key: 'plan', value: 'pro', type: 'string' },
      { key: 'Phone', value: '+4915112345678' },
    ])
    await person('Other', [{ key: 'plan', value: 'free', type: 'string' }])
    const saved = await h.call('segments.save', {
      name: 'Pro',
      definition: def([
        { type: 'property', property: { kind: 'custom', key: 'plan' }, op: 'eq', value: 'pro' },
      ]),
    })
    const { jobId } = await h.call('segments.export', {
      source: { segmentId: saved.id },
      columns: [
        { kind: 'system', key: 'Name' },
        { kind: 'system', key: 'Phone' },
        { kind: 'custom', key: 'plan' },
      ],
    })
    const summary = await new Promise<Record<string, unknown>>((resolve, reject) => {
      const off = h.backend.context.events.on('job.finished', (event) => {
        if (event.jobId !== jobId) return
        off()
        if (event.status === 'succeeded') resolve(event.summary as unknown as Record<string, unknown>)
        else reject(new Error(JSON.stringify(event.error)))
      })
    })
    expect(summary).toMatchObject({ rows: 2, columns: ['Name', 'Phone', 'plan'] })
    const text = readFileSync(summary.path as string, 'utf8')
    // The formula cell is neutralised (and quoted, as the writer does); the E.164 phone is left a number.
    expect(text).toBe('\uFEFFName,Phone,plan\r\n"\'=cmd|calc",,pro\r\nJosé,+4915112345678,pro\r\n')
    const file = await h.call('segments.exportFile', { fileName: summary.fileName as string })
    expect(file.content).toBe(text)
  })
})
