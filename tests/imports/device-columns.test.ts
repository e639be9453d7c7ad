// Device columns of a profile CSV (issue 13): a push_token column with a platform writes the profile's own
// device in the row's batch, pushes a new or changed token as a `token` record (as the profile page does),
// re-imports nothing unchanged, and refuses a platform nobody knows with a Failure Description.
import { describe, expect, it } from 'vitest'
import { checkMapping } from '../../shared/imports/mapping-check'
import { eachTestImportHarness, type ImportHarness } from '../../test-support/import-harness'

let h: ImportHarness
eachTestImportHarness((opened) => (h = opened))

const tokenRecords = () =>
  h
    .rows<{ object_id: string; payload: string }>(
      "SELECT object_id, payload FROM outbox WHERE kind = 'token' ORDER BY id",
    )
    .map((r) => ({ objectId: r.object_id, record: JSON.parse(r.payload) as unknown }))

const devices = () =>
  h.rows<{ device_id: string; identity: string; platform: string; push_token: string; token_type: string }>(
    `SELECT d.device_id, p.identity, d.platform, d.push_token, d.token_type, d.source FROM devices d
     JOIN profiles p ON p.id = d.profile_id ORDER BY p.identity`,
  )

async function importFile(name: string, content: string) {
  const path = h.file(name, content)
  return h.run('imports.start', { file: h.grant(path), kind: 'profiles' })
}

const FILE = [
  'identity,Name,push_token,platform',
  'u1,Ada,fcm-token-1,Android',
  'u2,Bob,apns-token-2,ios',
  'u3,Cy,,Android', // no token: no device
  'u4,Di,web-token-4,Web',
].join('\n')

describe('a profile file with push_token and platform', () => {
  it('proposes the device targets from the headers', async () => {
    const path = h.file('people.csv', 'identity,token,OS,token_type,os_version\nu1,t,android,fcm,14\n')
    const preview = await h.call('imports.preview', { file: h.grant(path) })
    expect(preview.columns.map((c) => c.proposal)).toEqual([
      { kind: 'identity' },
      { kind: 'pushToken' },
      { kind: 'platform' },
      { kind: 'tokenType' },
      { kind: 'custom', key: 'os_version', type: 'number' },
    ])
    expect(preview.problems).toEqual([])
    // Without a token column, "os" stays a property (a platform means nothing without a token).
    const other = h.file('crm.csv', 'identity,os\nu1,android\n')
    const plain = await h.call('imports.preview', { file: h.grant(other) })
    expect(plain.columns[1]?.proposal).toEqual({ kind: 'custom', key: 'os', type: 'string' })
  })

  it('writes devices with the batch, makes the profile reachable and queues one token record per token', async () => {
    const { summary } = await importFile('people.csv', FILE)
    expect(summary.counts).toMatchObject({ rows: 4, new: 4, rejected: 0 })
    expect(devices()).toEqual([
      {
        device_id: expect.any(String),
        identity: 'u1',
        platform: 'Android',
        push_token: 'fcm-token-1',
        token_type: 'fcm',
        source: 'import',
      },
      {
        device_id: expect.any(String),
        identity: 'u2',
        platform: 'iOS',
        push_token: 'apns-token-2',
        token_type: 'apns',
        source: 'import',
      },
      {
        device_id: expect.any(String),
        identity: 'u4',
        platform: 'Web',
        push_token: 'web-token-4',
        token_type: 'webpush',
        source: 'import',
      },
    ])
    const u1 = await h.call('profiles.lookup', { key: 'u1' })
    // The token is on the profile's own device (its CleverTap ID), as a token set on the profile page.
    expect(devices()[0]?.device_id).toBe(u1.id)
    expect(tokenRecords()).toEqual([
      {
        objectId: u1.id,
        record: { type: 'token', objectId: u1.id, tokenData: { id: 'fcm-token-1', type: 'fcm' } },
      },
      {
        objectId: expect.any(String),
        record: expect.objectContaining({ tokenData: { id: 'apns-token-2', type: 'apns' } }),
      },
      {
        objectId: expect.any(String),
        record: expect.objectContaining({ tokenData: { id: 'web-token-4', type: 'webpush' } }),
      },
    ])
    // The profile record goes before its token record (the sandbox needs the profile first).
    const order = h.rows<{ kind: string }>('SELECT kind FROM outbox WHERE object_id = ? ORDER BY id', u1.id)
    expect(order.map((r) => r.kind)).toEqual(['profile', 'token'])
    // A new profile's token is part of its creation: one audit row, no separate token entry.
    expect(h.rows("SELECT count(*) AS n FROM audit WHERE action = 'device.token.set'")).toEqual([{ n: 0 }])

    const reach = await h.call('devices.reachability', { id: u1.id })
    expect(reach.channels.find((c) => c.channel === 'mobilepush')?.code).toBe('reachable')
    expect(reach.devices).toMatchObject([{ deviceId: u1.id, platform: 'Android', pushToken: 'fcm-token-1' }])
    const u3 = await h.call('devices.reachability', {
      id: (await h.call('profiles.lookup', { key: 'u3' })).id,
    })
    expect(u3.channels.find((c) => c.channel === 'mobilepush')?.code).toBe('missing')
    const u4 = await h.call('devices.reachability', {
      id: (await h.call('profiles.lookup', { key: 'u4' })).id,
    })
    expect(u4.channels.find((c) => c.channel === 'webpush')?.code).toBe('reachable')
  })

  it('counts the same file again unchanged and queues nothing; a changed token is one record', async () => {
    await importFile('people.csv', FILE)
    // Each row keeps its content hash (device columns included): the same row again is a lookup.
    expect(h.count('import_row_hashes')).toBe(4)
    const outbox = h.count('outbox')
    const again = await importFile('people.csv', FILE)
    expect(again.summary.counts).toMatchObject({ rows: 4, new: 0, updated: 0, unchanged: 4 })
    expect(h.count('outbox')).toBe(outbox)

    const changed = FILE.replace('fcm-token-1', 'fcm-token-1b')
    const third = await importFile('people.csv', changed)
    expect(third.summary.counts).toMatchObject({ rows: 4, new: 0, updated: 1, unchanged: 3 })
    expect(h.count('outbox')).toBe(outbox + 1)
    const u1 = await h.call('profiles.lookup', { key: 'u1' })
    expect(tokenRecords().at(-1)).toEqual({
      objectId: u1.id,
      record: { type: 'token', objectId: u1.id, tokenData: { id: 'fcm-token-1b', type: 'fcm' } },
    })
    // Only the device changed: the profile has no new profile record, its token change is audited.
    expect(h.rows('SELECT kind FROM outbox WHERE object_id = ? ORDER BY id', u1.id)).toEqual([
      { kind: 'profile' },
      { kind: 'token' },
      { kind: 'token' },
    ])
    expect(h.rows("SELECT field, old_value, new_value FROM audit WHERE action = 'device.token.set'")).toEqual(
      [{ field: `device ${u1.id}`, old_value: '"fcm-token-1"', new_value: '"fcm-token-1b"' }],
    )
  })

  it('takes the token again after it was removed by hand (the removal made the row hash stale)', async () => {
    await importFile('people.csv', FILE)
    const u1 = await h.call('profiles.lookup', { key: 'u1' })
    await h.call('devices.removeToken', { profileId: u1.id, deviceId: u1.id })
    const outbox = h.count('outbox')
    const again = await importFile('people.csv', FILE)
    expect(again.summary.counts).toMatchObject({ updated: 1, unchanged: 3 })
    expect(devices().find((d) => d.identity === 'u1')?.push_token).toBe('fcm-token-1')
    expect(h.count('outbox')).toBe(outbox + 1)
  })

  it('rejects a platform outside the known list with a Failure Description, and imports the rest', async () => {
    const file = 'identity,Name,push_token,platform\nu1,Ada,tok-1,BlackBerry\nu2,Bob,tok-2,android\n'
    const { summary } = await importFile('people.csv', file)
    expect(summary.counts).toMatchObject({ rows: 2, new: 1, rejected: 1 })
    expect(summary.rejections).toEqual([
      {
        line: 2,
        column: 'platform',
        value: 'BlackBerry',
        reason:
          'Platform "BlackBerry" is not one of Android, iOS, Web, Other (android, ios, iphone, web and browser are read too): correct it or leave the cell empty.',
      },
    ])
    expect(h.count('devices')).toBe(1)
    expect(summary.errorFile?.rows).toBe(1)
  })

  it('keeps one device row per device: a token moving to another profile is held by both (Duplicate Platform ID)', async () => {
    await importFile(
      'people.csv',
      'identity,push_token,platform\nu1,shared-token,Android\nu2,own-token,Android\n',
    )
    await importFile(
      'people.csv',
      'identity,push_token,platform\nu1,shared-token,Android\nu2,shared-token,Android\n',
    )
    expect(devices().map((d) => [d.identity, d.push_token])).toEqual([
      ['u1', 'shared-token'],
      ['u2', 'shared-token'],
    ])
    const report = await h.call('duplicates.list', { kind: 'token' })
    expect(report.groups.map((g) => [g.value, g.holders.length])).toEqual([['shared-token', 2]])
  })

  it('refuses a token for a device that belongs to another profile', async () => {
    const holder = await h.call('profiles.create', { identifiers: [{ kind: 'identity', value: 'holder' }] })
    await h.call('devices.setToken', {
      profileId: holder.id,
      deviceId: 'dev-x',
      platform: 'iOS',
      pushToken: 'held',
    })
    // dev-x is holder's device; a profile file row placed by objectId dev-x cannot take a token for it.
    const { summary } = await importFile('people.csv', 'objectId,push_token\ndev-x,other-token\n')
    expect(summary.counts).toMatchObject({ rows: 1, new: 0, rejected: 1 })
    expect(summary.rejections[0]?.reason).toBe(
      `Device "dev-x" belongs to another profile (${holder.id}): its push token is set on that profile.`,
    )
  })

  it('refuses a platform column without a token column (the one mapping check)', () => {
    const mapping = {
      kind: 'profiles' as const,
      columns: [
        { column: 'identity', index: 0, target: { kind: 'identity' as const } },
        { column: 'os', index: 1, target: { kind: 'platform' as const } },
      ],
    }
    expect(checkMapping(mapping, ['identity', 'os'], new Map(), 'profiles').problems).toEqual([
      "A column is mapped to the platform, but none to the push token: the platform is stored with a device's token (map the token column too, or leave this one out).",
    ])
    const withOperation = {
      kind: 'profiles' as const,
      columns: [
        { column: 'identity', index: 0, target: { kind: 'identity' as const } },
        { column: 'push_token', index: 1, target: { kind: 'pushToken' as const } },
        {
          column: 'push_token.operation',
          index: 2,
          target: { kind: 'operation' as const, of: 'push_token' },
        },
      ],
    }
    const headers = ['identity', 'push_token', 'push_token.operation']
    expect(checkMapping(withOperation, headers, new Map(), 'profiles').problems).toEqual([
      'Column "push_token.operation": the device columns (push token, platform, token type) take no operations.',
    ])
  })
})
