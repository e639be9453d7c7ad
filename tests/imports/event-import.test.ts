// Events CSV through the login rule (PRODUCT.md §2) in timestamp order, whatever the file order:
// Scenario 1 (a new identity: the anonymous device profile becomes the user's) and Scenario 2 (a known
// identity: the device moves to it; earlier anonymous events stay behind, shown greyed, never counted).
import { expect, it } from 'vitest'
import { eachTestImportHarness, type ImportHarness } from '../../test-support/import-harness'

let h: ImportHarness
eachTestImportHarness((opened) => (h = opened))

// Deliberately not in timestamp order: the login rows come first in the file.
const EVENTS = [
  'objectId,identity,evtName,ts,Amount,Currency,first_purchase',
  'dev-a,new-user,Charged,1700000200,12.5,EUR,true',
  'dev-b,known-user,Charged,1700000300,20,USD,false',
  'dev-a,,App Opened,1700000000,,,',
  'dev-a,,Product Viewed,1700000100,,,',
  'dev-b,,App Opened,1700000050,,,',
  ',known-user,Product Viewed,1700000400,,,',
  'dev-c,,Broken,yesterday,,,',
  'dev-d,,Late,1700000500000,,,',
].join('\n')

it('applies the login rule in timestamp order and updates the event summaries', async () => {
  const known = await h.call('profiles.create', { identifiers: [{ kind: 'identity', value: 'known-user' }] })
  const path = h.file('events.csv', EVENTS)
  const preview = await h.call('imports.preview', { file: h.grant(path), kind: 'events' })
  expect(preview.columns.map((c) => c.proposal)).toEqual([
    { kind: 'deviceId' },
    { kind: 'identity' },
    { kind: 'eventName' },
    { kind: 'timestamp' },
    { kind: 'eventProperty', key: 'Amount', type: 'number' },
    { kind: 'eventProperty', key: 'Currency', type: 'string' },
    { kind: 'eventProperty', key: 'first_purchase', type: 'boolean' },
  ])

  const dry = await h.run('imports.validate', { file: h.grant(path), kind: 'events' })
  expect(dry.summary.counts).toMatchObject({ rows: 8, imported: 6, rejected: 2 })
  expect(h.count('events')).toBe(0)

  const { summary } = await h.run('imports.start', { file: h.grant(path), kind: 'events' })
  expect(summary.counts).toEqual({
    rows: 8,
    imported: 6,
    unchanged: 0,
    rejected: 2,
    profilesCreated: 2,
    loginsBecame: 1,
    loginsSwitched: 1,
    warnings: 0,
  })
  expect(summary.rejections.map((r) => [r.line, r.reason])).toEqual([
    [
      8,
      'Timestamp "yesterday" is not a date (expected YYYY-MM-DD, an ISO date-time, $D_<epoch> or epoch seconds; choose a format for other spellings).',
    ],
    [9, 'Timestamp "1700000500000" looks like milliseconds; dates take epoch seconds.'],
  ])

  // Scenario 1: dev-a's anonymous profile became new-user's, with all three events counted.
  const user = await h.call('profiles.lookup', { key: 'new-user' })
  expect(user.id).toBe('dev-a')
  expect(user.eventSummaries.map((e) => [e.name, e.count])).toEqual([
    ['Charged', 1],
    ['Product Viewed', 1],
    ['App Opened', 1],
  ])
  const charged = (await h.call('profiles.events', { id: user.id })).items.find((e) => e.name === 'Charged')
  expect(charged?.props).toEqual({ Amount: 12.5, Currency: 'EUR', first_purchase: true })

  // Scenario 2: dev-b's earlier event stays on the anonymous profile, shown greyed on known-user.
  const knownNow = await h.call('profiles.get', { id: known.id })
  expect(knownNow.eventSummaries.map((e) => [e.name, e.count])).toEqual([
    ['Product Viewed', 1],
    ['Charged', 1],
  ])
  const timeline = await h.call('profiles.events', { id: known.id })
  expect(timeline.items.map((e) => [e.name, e.anonymous])).toEqual([
    ['Product Viewed', false],
    ['Charged', false],
    ['App Opened', true],
  ])
  expect((await h.call('profiles.get', { id: 'dev-b' })).type).toBe('Anonymous')

  // Running the same file again stores nothing twice.
  const events = h.count('events')
  const outbox = h.count('outbox')
  const again = await h.run('imports.start', { file: h.grant(path), kind: 'events' })
  expect(again.summary.counts).toMatchObject({ imported: 0, unchanged: 6, rejected: 2 })
  expect(again.summary.notices).toContain(
    '6 events were already imported by an earlier run and not stored again.',
  )
  expect(h.count('events')).toBe(events)
  expect(h.count('outbox')).toBe(outbox)
})

it('stores identical events of one file as separate events, once each across runs', async () => {
  const path = h.file('twice.csv', 'objectId,evtName,ts\ndev-x,Tap,1700000000\ndev-x,Tap,1700000000\n')
  expect(
    (await h.run('imports.start', { file: h.grant(path), kind: 'events' })).summary.counts,
  ).toMatchObject({
    imported: 2,
  })
  expect(
    (await h.run('imports.start', { file: h.grant(path), kind: 'events' })).summary.counts,
  ).toMatchObject({
    imported: 0,
    unchanged: 2,
  })
  expect((await h.call('profiles.get', { id: 'dev-x' })).eventSummaries).toEqual([
    { name: 'Tap', count: 2, firstSeen: 1700000000, lastSeen: 1700000000 },
  ])
})

it('requires an event name and a device id or identity column', async () => {
  const path = h.file('nameless.csv', 'ts,Amount\n1700000000,3\n')
  const preview = await h.call('imports.preview', { file: h.grant(path), kind: 'events' })
  expect(preview.problems).toEqual([
    'No column is mapped to the event name (e.g. "evtName").',
    'No column is mapped to the device id (objectId) or the identity: events need one of them.',
  ])
})

it('rejects rows with a restricted system event name, with CleverTap 513 text, and imports the rest', async () => {
  const path = h.file(
    'restricted.csv',
    [
      'objectId,evtName,ts',
      'dev-r,App Launched,1700000000',
      'dev-r,notification clicked,1700000001',
      'dev-r,Product Viewed,1700000002',
      'dev-r,Stayed ,1700000003',
    ].join('\n'),
  )
  const { summary, runId } = await h.run('imports.start', { file: h.grant(path), kind: 'events' })
  expect(summary.counts).toMatchObject({ rows: 4, imported: 1, rejected: 3 })
  expect(summary.rejections.map((r) => [r.line, r.column, r.value])).toEqual([
    [2, 'evtName', 'App Launched'],
    [3, 'evtName', 'notification clicked'],
    [5, 'evtName', 'Stayed'],
  ])
  for (const r of summary.rejections) {
    expect(r.reason).toMatch(
      /^Event Name is incorrect\. ErrorCode: 513 - Trying to raise a restricted system event\. ".+" is raised by CleverTap's own SDKs/,
    )
  }
  const errors = await h.call('imports.errors', { runId })
  expect(errors.content).toContain('ErrorCode: 513 - Trying to raise a restricted system event.')
  expect((await h.call('profiles.events', { id: 'dev-r' })).items.map((e) => e.name)).toEqual([
    'Product Viewed',
  ])
  const queued = h
    .rows<{ payload: string }>("SELECT payload FROM outbox WHERE kind = 'event'")
    .map((r) => (JSON.parse(r.payload) as { evtName: string }).evtName)
  expect(queued).toEqual(['Product Viewed'])
})
