// Device columns of an events CSV (issue 13): each event's device is last seen at the newest event's time
// and takes platform, app version and push token from its newest row, whatever the file order; a new
// token is one `token` record; a bad platform rejects the row with a Failure Description.
import { expect, it } from 'vitest'
import { eachTestImportHarness, type ImportHarness } from '../../test-support/import-harness'

let h: ImportHarness
eachTestImportHarness((opened) => (h = opened))

// Not in timestamp order: the newest row of dev-a comes first.
const EVENTS = [
  'objectId,identity,evtName,ts,platform,push_token,app_version',
  'dev-a,,App Opened,1700000300,Android,fcm-new,2.1.0',
  'dev-a,,App Opened,1700000100,Android,fcm-old,2.0.0',
  'dev-a,,Product Viewed,1700000200,,,',
  'dev-b,,App Opened,1700000050,iOS,,1.0',
  ',known-user,App Opened,1700000400,Web,web-tok,',
  'dev-c,,App Opened,1700000060,Windows Phone,x,',
].join('\n')

const device = (id: string) =>
  h.rows<Record<string, unknown>>(
    'SELECT platform, push_token, token_type, app_version, last_seen, source FROM devices WHERE device_id = ?',
    id,
  )[0]

it('proposes the device columns of an events file', async () => {
  const path = h.file('events.csv', EVENTS)
  const preview = await h.call('imports.preview', { file: h.grant(path), kind: 'events' })
  expect(preview.columns.map((c) => c.proposal).slice(4)).toEqual([
    { kind: 'platform' },
    { kind: 'pushToken' },
    { kind: 'appVersion' },
  ])
})

it('keeps the newest row of each device, last seen at its newest event', async () => {
  const known = await h.call('profiles.create', { identifiers: [{ kind: 'identity', value: 'known-user' }] })
  const path = h.file('events.csv', EVENTS)
  const { summary } = await h.run('imports.start', { file: h.grant(path), kind: 'events' })
  expect(summary.counts).toMatchObject({ rows: 6, imported: 5, rejected: 1 })
  expect(summary.rejections).toEqual([
    {
      line: 7,
      column: 'platform',
      value: 'Windows Phone',
      reason:
        'Platform "Windows Phone" is not one of Android, iOS, Web, Other (android, ios, iphone, web and browser are read too): correct it or leave the cell empty.',
    },
  ])
  expect(device('dev-a')).toEqual({
    platform: 'Android',
    push_token: 'fcm-new',
    token_type: 'fcm',
    app_version: '2.1.0',
    last_seen: 1700000300,
    source: 'events',
  })
  expect(device('dev-b')).toMatchObject({
    platform: 'iOS',
    push_token: null,
    app_version: '1.0',
    last_seen: 1700000050,
  })
  // An event placed by identity only: the profile's own device (its CleverTap ID) gets the columns.
  expect(device(known.id)).toMatchObject({ platform: 'Web', push_token: 'web-tok', token_type: 'webpush' })

  // One token record per token the devices hold now; fcm-old was replaced within the same run.
  const records = h
    .rows<{ payload: string }>("SELECT payload FROM outbox WHERE kind = 'token' ORDER BY id")
    .map((r) => (JSON.parse(r.payload) as { tokenData: { id: string } }).tokenData.id)
  expect(records).toEqual(['fcm-old', 'fcm-new', 'web-tok'])
  const reach = await h.call('devices.reachability', { id: 'dev-a' })
  expect(reach.channels.find((c) => c.channel === 'mobilepush')?.code).toBe('reachable')
  expect(reach.devices[0]).toMatchObject({ deviceId: 'dev-a', appVersion: '2.1.0', lastSeen: 1700000300 })

  // An older file later: last seen and the newest row's values stay; no token record.
  const outbox = h.count('outbox')
  const older = h.file(
    'older.csv',
    'objectId,evtName,ts,platform,push_token,app_version\ndev-a,App Opened,1690000000,iOS,ancient,0.9\n',
  )
  await h.run('imports.start', { file: h.grant(older), kind: 'events' })
  expect(device('dev-a')).toMatchObject({ platform: 'Android', push_token: 'fcm-new', last_seen: 1700000300 })
  expect(h.rows("SELECT count(*) AS n FROM outbox WHERE kind = 'token'")).toEqual([{ n: 3 }])
  expect(h.count('outbox')).toBe(outbox + 1) // the event record only
})
