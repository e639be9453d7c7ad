// Request-level behaviour: authentication, malformed bodies, record-count limits, unknown paths, the
// 15-upload concurrency limit, the download cursor, delete rules and a database that outlives the server.

import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createSandboxServer } from '../../sandbox/server'
import { ACCOUNT, authHeaders, PASSCODE, startSandbox, type Sandbox } from '../../test-support/sandbox'

let sandbox: Sandbox
beforeAll(async () => {
  sandbox = await startSandbox()
})
afterAll(async () => {
  await sandbox.stop()
})

const unauthorized = { status: 'fail', error: 'Account ID is not valid', code: 401 }
const malformed = { status: 'fail', error: 'Malformed request', code: 400 }

describe('authentication', () => {
  it.each([
    ['no headers', { 'Content-Type': 'application/json' }],
    ['a wrong passcode', { ...authHeaders, 'X-CleverTap-Passcode': 'nope' }],
    ['a wrong account', { ...authHeaders, 'X-CleverTap-Account-Id': 'OTHER' }],
  ])('answers 401 with CleverTap’s body for %s, and applies nothing', async (_label, headers) => {
    const upload = await sandbox.post(
      '/1/upload',
      { d: [{ identity: 'auth-1', type: 'profile', profileData: { Name: 'x' } }] },
      headers,
    )
    expect(upload).toEqual({ status: 401, body: unauthorized })
    expect((await sandbox.get('/1/profile.json?identity=auth-1', headers)).status).toBe(401)
    expect((await sandbox.get('/1/profile.json?identity=auth-1')).body.status).toBe('fail')
  })
})

describe('malformed requests', () => {
  it.each([
    ['JSON that does not parse', '{"d": [ {"identity": '],
    ['an empty body', ''],
    ['a body without d', { records: [] }],
    ['d that is not a list', { d: { identity: 'x' } }],
    ['a JSON list', [{ identity: 'x' }]],
  ])('answers 400 Malformed request for %s', async (_label, body) => {
    expect(await sandbox.post('/1/upload', body)).toEqual({ status: 400, body: malformed })
  })

  it('takes 1000 records in one request but not 0 or 1001', async () => {
    const records = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ identity: `many-${i}`, type: 'profile', profileData: { N: i } }))
    expect(await sandbox.post('/1/upload', { d: [] })).toEqual({
      status: 400,
      body: { status: 'fail', error: '0 records in "d": send 1 to 1000 records per request', code: 400 },
    })
    expect(await sandbox.post('/1/upload', { d: records(1001) })).toEqual({
      status: 400,
      body: { status: 'fail', error: '1001 records in "d": send 1 to 1000 records per request', code: 400 },
    })
    expect((await sandbox.get('/1/profile.json?identity=many-0')).body.status).toBe('fail')
    expect((await sandbox.post('/1/upload', { d: records(1000) })).body).toEqual({
      status: 'success',
      processed: 1000,
      unprocessed: [],
    })
  })

  it('answers 400 Malformed request for a delete or download body that does not parse', async () => {
    expect(await sandbox.post('/1/delete/profiles.json', '{identity:')).toEqual({
      status: 400,
      body: malformed,
    })
    expect(await sandbox.post('/1/profiles.json', 'not json')).toEqual({ status: 400, body: malformed })
  })
})

describe('paths', () => {
  it('answers 404 JSON for an unknown path and 405 for a wrong method', async () => {
    expect(await sandbox.get('/1/nothing.json')).toEqual({
      status: 404,
      body: { status: 'fail', error: 'Not found: GET /1/nothing.json', code: 404 },
    })
    expect(await sandbox.get('/1/upload')).toEqual({
      status: 405,
      body: { status: 'fail', error: 'Method GET is not allowed on /1/upload; use POST', code: 405 },
    })
  })
})

describe('GET /1/profile.json', () => {
  it('needs one of email, identity or objectId', async () => {
    expect(await sandbox.get('/1/profile.json')).toEqual({
      status: 400,
      body: { status: 'fail', error: 'Specify one of email, identity or objectId', code: 400 },
    })
  })

  it('answers HTTP 200 with a fail status for a profile that does not exist', async () => {
    expect(await sandbox.get('/1/profile.json?email=ghost@example.com')).toEqual({
      status: 200,
      body: { status: 'fail', error: 'User not found for email "ghost@example.com"', code: 404 },
    })
  })
})

describe('the download cursor', () => {
  const startDownload = async (query: unknown, batchSize: number): Promise<string> => {
    const reply = await sandbox.post(`/1/profiles.json?batch_size=${batchSize}`, query)
    expect(reply.status).toBe(200)
    return String(reply.body.cursor)
  }

  it('refuses a batch_size above 5000 and accepts 5000', async () => {
    expect(await sandbox.post('/1/profiles.json?batch_size=5001', {})).toEqual({
      status: 400,
      body: {
        status: 'fail',
        error: 'batch_size "5001" is invalid: expected a whole number from 1 to 5000',
        code: 400,
      },
    })
    expect((await sandbox.post('/1/profiles.json?batch_size=5000', {})).body.status).toBe('success')
  })

  it('gives the same page for the same cursor, so a retried page read is safe', async () => {
    await sandbox.upload(
      Array.from({ length: 5 }, (_, i) => ({
        identity: `page-${i}`,
        type: 'profile',
        profileData: { Group: 'pages' },
      })),
    )
    const query = {
      common_profile_properties: { profile_fields: [{ name: 'Group', operator: 'equals', value: 'pages' }] },
    }
    const cursor = await startDownload(query, 2)
    const first = await sandbox.get(`/1/profiles.json?cursor=${cursor}`)
    const again = await sandbox.get(`/1/profiles.json?cursor=${cursor}`)
    expect(again).toEqual(first)
    const seen: string[] = []
    let next: unknown = cursor
    for (let i = 0; i < 10 && typeof next === 'string'; i++) {
      const page = await sandbox.get(`/1/profiles.json?cursor=${next}`)
      seen.push(...(page.body.records as { identity: string }[]).map((r) => r.identity))
      next = page.body.next_cursor
    }
    expect(next).toBeUndefined()
    expect(seen).toEqual(['page-0', 'page-1', 'page-2', 'page-3', 'page-4'])
  })

  it('covers the profiles that existed when the download started', async () => {
    await sandbox.upload([{ identity: 'snap-0', type: 'profile', profileData: { Group: 'snap' } }])
    const query = { common_profile_properties: { profile_fields: [{ name: 'Group', value: 'snap' }] } }
    const cursor = await startDownload(query, 10)
    await sandbox.upload([{ identity: 'snap-1', type: 'profile', profileData: { Group: 'snap' } }])
    const page = await sandbox.get(`/1/profiles.json?cursor=${cursor}`)
    expect((page.body.records as { identity: string }[]).map((r) => r.identity)).toEqual(['snap-0'])
  })

  it('refuses what its query language does not know, bad dates, and an unknown cursor', async () => {
    const refusal = async (query: unknown) => {
      const reply = await sandbox.post('/1/profiles.json?batch_size=10', query)
      expect(reply.status).toBe(400)
      return (reply.body as { error: string }).error
    }
    expect(
      await refusal({
        common_profile_properties: { profile_fields: [{ name: 'Age', operator: 'between' }] },
      }),
    ).toBe(
      'Invalid query: operator "between" is not one of equals, not_equals, contains, does_not_contain, ' +
        'exists, does_not_exist, greater_than, greater_than_equals, less_than, less_than_equals',
    )
    expect(await refusal({ event_name: 'Charged', event_properties: [] })).toBe(
      "Invalid query: event_properties is not supported by the sandbox's query language",
    )
    expect(await refusal({ event_name: 'Charged', from: 20240230, to: 20240301 })).toBe(
      'Invalid query: from must be a date written as a YYYYMMDD integer, e.g. 20240131 (got 20240230)',
    )
    expect(await refusal({ event_name: 'Charged', from: 20240302, to: 20240301 })).toBe(
      'Invalid query: from (20240302) is after to (20240301)',
    )
    expect(await refusal({ from: 20240101, to: 20240301 })).toBe(
      'Invalid query: from and to need an event_name',
    )
    expect(await sandbox.get('/1/profiles.json?cursor=bm9wZQ')).toEqual({
      status: 400,
      body: { status: 'fail', error: 'Invalid cursor', code: 400 },
    })
  })
})

describe('the download query', () => {
  const download = async (query: unknown): Promise<string[]> => {
    const started = await sandbox.post('/1/profiles.json?batch_size=100', query)
    expect(started.status).toBe(200)
    const page = await sandbox.get(`/1/profiles.json?cursor=${String(started.body.cursor)}`)
    return (page.body.records as { identity: string }[]).map((r) => r.identity).sort()
  }
  const day = (iso: string) => Date.parse(`${iso}Z`) / 1000

  it('honours event_name with from/to (whole UTC days) and every profile_fields operator', async () => {
    await sandbox.upload([
      {
        identity: 'q-1',
        type: 'profile',
        profileData: { Kind: 'q', Plan: 'Gold', Score: 10, Tags: ['a', 'b'] },
      },
      { identity: 'q-2', type: 'profile', profileData: { Kind: 'q', Plan: 'silver', Score: 30 } },
      { identity: 'q-3', type: 'profile', profileData: { Kind: 'q', tz: 'GMT+0530' } },
      { identity: 'q-1', type: 'event', evtName: 'Opened', ts: day('2024-03-01T00:00:00'), evtData: {} },
      { identity: 'q-2', type: 'event', evtName: 'Opened', ts: day('2024-03-31T23:59:59'), evtData: {} },
      { identity: 'q-3', type: 'event', evtName: 'Opened', ts: day('2024-04-01T00:00:00'), evtData: {} },
      { identity: 'q-3', type: 'event', evtName: 'Closed', ts: day('2024-03-10T12:00:00'), evtData: {} },
    ])
    const march = { event_name: 'Opened', from: 20240301, to: 20240331 }
    expect(await download(march)).toEqual(['q-1', 'q-2'])
    expect(await download({ ...march, to: 20240401 })).toEqual(['q-1', 'q-2', 'q-3'])
    expect(await download({ ...march, from: 20240302 })).toEqual(['q-2'])
    expect(await download({ event_name: 'Closed', from: 20240101, to: 20241231 })).toEqual(['q-3'])
    // No event at all: every profile (a sandbox extension; CleverTap's API needs an event).
    const field = (name: string, operator: string, value?: unknown) => ({
      common_profile_properties: {
        profile_fields: [
          { name: 'Kind', operator: 'equals', value: 'q' },
          { name, operator, ...(value === undefined ? {} : { value }) },
        ],
      },
    })
    expect(await download(field('Plan', 'equals', 'gold'))).toEqual(['q-1'])
    expect(await download(field('Plan', 'not_equals', 'gold'))).toEqual(['q-2', 'q-3'])
    expect(await download(field('Plan', 'exists'))).toEqual(['q-1', 'q-2'])
    expect(await download(field('Plan', 'does_not_exist'))).toEqual(['q-3'])
    expect(await download(field('Plan', 'contains', 'ILV'))).toEqual(['q-2'])
    expect(await download(field('Tags', 'equals', 'b'))).toEqual(['q-1'])
    expect(await download(field('Score', 'greater_than', 10))).toEqual(['q-2'])
    expect(await download(field('Score', 'less_than_equals', 10))).toEqual(['q-1'])
    expect(await download(field('Identity', 'equals', 'q-3'))).toEqual(['q-3'])
    expect(await download(field('tz', 'equals', 'GMT+0530'))).toEqual(['q-3'])
    // The event and the fields together.
    expect(await download({ ...march, ...field('Score', 'greater_than_equals', 30) })).toEqual(['q-2'])
  })
})

describe('cursor expiry', () => {
  let clock = 1_700_000_000
  const dirs: Sandbox[] = []
  afterEach(async () => {
    for (const harness of dirs.splice(0)) await harness.stop()
  })

  it('expires a cursor after 4 days', async () => {
    const timed = await startSandbox({ now: () => clock })
    dirs.push(timed)
    await timed.upload([{ identity: 'old', type: 'profile', profileData: {} }])
    const cursor = String((await timed.post('/1/profiles.json', {})).body.cursor)
    clock += 4 * 24 * 3600
    expect((await timed.get(`/1/profiles.json?cursor=${cursor}`)).body.status).toBe('success')
    clock += 1
    expect(await timed.get(`/1/profiles.json?cursor=${cursor}`)).toEqual({
      status: 400,
      body: { status: 'fail', error: 'Cursor expired: start the download again', code: 400 },
    })
  })
})

describe('POST /1/delete/profiles.json', () => {
  it('deletes by guid, and a deleted identity comes back as a new profile', async () => {
    await sandbox.upload([{ identity: 'del-1', type: 'profile', profileData: { Plan: 'old' } }])
    const record = (await sandbox.profileByIdentity('del-1')).platformInfo[0]
    expect(await sandbox.post('/1/delete/profiles.json', { guid: record?.objectId })).toEqual({
      status: 200,
      body: { status: 'success' },
    })
    expect((await sandbox.get('/1/profile.json?identity=del-1')).body.status).toBe('fail')
    await sandbox.upload([{ identity: 'del-1', type: 'profile', profileData: { Name: 'New' } }])
    expect((await sandbox.profileByIdentity('del-1')).profileData).toEqual({})
  })

  it('refuses identity and guid together, neither, and more than 100 values', async () => {
    const fail = (error: string) => ({ status: 400, body: { status: 'fail', error, code: 400 } })
    expect(await sandbox.post('/1/delete/profiles.json', { identity: 'a', guid: 'b' })).toEqual(
      fail('Send identity or guid, not both'),
    )
    expect(await sandbox.post('/1/delete/profiles.json', {})).toEqual(fail('Send identity or guid'))
    const many = Array.from({ length: 101 }, (_, i) => `x${i}`)
    expect(await sandbox.post('/1/delete/profiles.json', { identity: many })).toEqual(
      fail('identity must hold 1 to 100 values (got 101)'),
    )
  })
})

describe('concurrency', () => {
  it('answers 429 to the 16th upload in flight and applies nothing of it', async () => {
    const slow = await startSandbox({ latencyMs: 600 })
    try {
      const replies = await Promise.all(
        Array.from({ length: 16 }, (_, i) =>
          slow.post('/1/upload', { d: [{ identity: `busy-${i}`, type: 'profile', profileData: { N: i } }] }),
        ),
      )
      const rejected = replies.filter((reply) => reply.status === 429)
      expect(rejected).toEqual([
        { status: 429, body: { status: 'fail', error: 'Too many concurrent requests', code: 429 } },
      ])
      expect(replies.filter((reply) => reply.status === 200)).toHaveLength(15)
      expect(slow.server.stats()).toMatchObject({ rejectedConcurrent: 1, profiles: 15, uploadsInFlight: 0 })
      // Once the others are done, a new upload is accepted again.
      expect((await slow.upload([{ identity: 'after', type: 'profile', profileData: {} }])).status).toBe(
        'success',
      )
    } finally {
      await slow.stop()
    }
  })
})

describe('the database', () => {
  it('is a WAL SQLite file in the data dir that outlives the server', async () => {
    const first = await startSandbox()
    const dataDir = first.dataDir
    await first.upload([{ identity: 'durable', type: 'profile', profileData: { Name: 'Kept' } }])
    await first.server.close()
    const db = new Database(join(dataDir, 'sandbox.db'), { readonly: true })
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    db.close()
    const second = await createSandboxServer({ account: ACCOUNT, passcode: PASSCODE, dataDir })
    try {
      const reply = await fetch(`${second.baseUrl}/1/profile.json?identity=durable`, { headers: authHeaders })
      expect(await reply.json()).toMatchObject({ status: 'success', record: { name: 'Kept' } })
    } finally {
      await second.close()
      await first.stop()
    }
  })
})
