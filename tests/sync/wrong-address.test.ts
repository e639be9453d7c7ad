// What the remote's answer says about the address and the batch, over real HTTP to a scripted loopback
// server: a 404/405 or a proxy's web page means the address is wrong (the push stops, nothing is parked
// or halved); a redirect is never followed (the passcode stays here); a reply whose counts do not
// account for every record keeps the unaccounted ones queued; Retry-After is honoured, within a bound.
import { describe, expect, it } from 'vitest'
import { type App, ACCOUNT, PASSCODE, stoppedAfterEach } from '../../test-support/sync-harness'
import {
  startLoopback,
  uploadedRecords,
  type Answer,
  type LoopbackServer,
} from '../../test-support/loopback-server'

const { appWith } = stoppedAfterEach()

/** An app pointed at `server`, with no read-back before pushing (every request is an upload). */
async function appAt(server: LoopbackServer, sleep?: (ms: number) => Promise<void>): Promise<App> {
  const app = appWith({ sync: { precheckLimit: 0, ...(sleep ? { sleep, random: () => 0 } : {}) } })
  await app.call('sync.settings.set', {
    remote: { kind: 'url', baseUrl: server.baseUrl },
    accountId: ACCOUNT,
    passcode: PASSCODE,
  })
  return app
}

async function createProfiles(app: App, count: number): Promise<void> {
  for (let i = 1; i <= count; i += 1) {
    await app.call('profiles.create', {
      identifiers: [{ kind: 'identity', value: `user-${i}` }],
      changes: [{ op: 'set', key: 'Name', value: `User ${i}` }],
    })
  }
}

/** Outbox entries still queued, by state. */
function queued(app: App): Record<string, number> {
  const rows = app.rows<{ state: string; n: number }>(
    `SELECT state, count(*) AS n FROM outbox WHERE id NOT IN (SELECT id FROM outbox_done) GROUP BY state`,
  )
  return Object.fromEntries(rows.map((row) => [row.state, row.n]))
}

const PROXY_PAGE = '<!doctype html><html><body><h1>Welcome to nginx!</h1></body></html>'

describe('a wrong address', () => {
  it.each<[string, Answer]>([
    ['404', { status: 404, body: PROXY_PAGE }],
    ['405', { status: 405, body: { status: 'fail', error: 'Method not allowed', code: 405 } }],
    ['a proxy page answering 200', { status: 200, body: PROXY_PAGE }],
  ])('(%s) stops the push after one request, parks nothing and says what to check', async (_, answer) => {
    const server = await startLoopback(() => answer)
    const app = await appAt(server)
    await createProfiles(app, 30)

    const finished = await app.run('sync.push')
    expect(finished.status).toBe('failed')
    expect(finished.error?.message).toContain('The remote address looks wrong')
    expect(finished.error?.message).toContain('Check the base URL, or the region')
    // One request: not halved record by record, not retried.
    expect(server.requests).toHaveLength(1)
    expect(uploadedRecords(server.requests[0]!)).toHaveLength(30)
    expect(queued(app)).toEqual({ pending: 30 })
    const status = await app.call('sync.status', {})
    expect(status).toMatchObject({ pending: 30, errors: 0, state: 'error' })
    expect(status.lastError?.message).toContain('The remote address looks wrong')
  })

  it('is what the connection test says too', async () => {
    const server = await startLoopback(() => ({ status: 404, body: PROXY_PAGE }))
    const app = await appAt(server)
    const result = await app.call('sync.testConnection', {})
    expect(result).toMatchObject({ ok: false, outcome: 'wrong_address' })
    expect(result.message).toContain('answered HTTP 404')
  })
})

describe('a redirect', () => {
  it('is not followed: the passcode never reaches the other origin, and the person is told', async () => {
    const elsewhere = await startLoopback(() => ({
      status: 200,
      body: { status: 'success', processed: 3, unprocessed: [] },
    }))
    const server = await startLoopback((request) => ({
      status: request.method === 'GET' ? 302 : 307,
      headers: { location: `${elsewhere.baseUrl}${request.path}` },
    }))
    const app = await appAt(server)
    await createProfiles(app, 3)

    const finished = await app.run('sync.push')
    expect(finished.status).toBe('failed')
    expect(finished.error?.message).toContain('answered with a redirect (HTTP 307 to http://127.0.0.1:')
    expect(finished.error?.message).toContain('does not follow redirects')
    const test = await app.call('sync.testConnection', {})
    expect(test).toMatchObject({ ok: false, outcome: 'wrong_address' })
    expect(test.message).toContain('HTTP 302')

    expect(server.requests.map((r) => r.headers['x-clevertap-passcode'])).toEqual([PASSCODE, PASSCODE])
    expect(elsewhere.requests).toEqual([])
    expect(queued(app)).toEqual({ pending: 3 })
  })
})

describe('a reply that does not account for every record', () => {
  it('keeps the records it does not account for queued: not removed, not parked', async () => {
    let miscount = true
    const server = await startLoopback((request) => {
      const records = uploadedRecords(request)
      if (!miscount)
        return { status: 200, body: { status: 'success', processed: records.length, unprocessed: [] } }
      // 10 sent: one refused by number, "processed" 7: two are unaccounted for, unknown which.
      return {
        status: 200,
        body: {
          status: 'partial',
          processed: records.length - 3,
          unprocessed: [
            {
              status: 'fail',
              code: 515,
              error: 'Profile data is incorrect. Email is not valid.Skipped record number : 4',
              record: records[3],
            },
          ],
        },
      }
    })
    const app = await appAt(server)
    await createProfiles(app, 10)

    const first = await app.run('sync.push')
    expect(first.status).toBe('succeeded')
    expect(first.summary).toMatchObject({ status: 'partial', records: 0, rejected: 1, unaccounted: 9 })
    expect(server.requests).toHaveLength(1)
    expect(queued(app)).toEqual({ parked: 1, pending: 9 })
    const errors = await app.call('sync.errors.list', {})
    expect(errors.items.map((item) => [item.code, item.message])).toEqual([
      [515, 'Profile data is incorrect. Email is not valid.'],
    ])

    // The next push sends the nine again, and a reply that adds up removes them.
    miscount = false
    const second = await app.run('sync.push')
    expect(second.summary).toMatchObject({ status: 'succeeded', records: 9, unaccounted: 0 })
    expect(uploadedRecords(server.requests[1]!)).toHaveLength(9)
    expect(queued(app)).toEqual({ parked: 1 })
  })
})

describe('Retry-After', () => {
  it('is honoured on 429 and 503, in seconds or as a date, up to a bound', async () => {
    const waits: number[] = []
    const answers: Answer[] = [
      {
        status: 429,
        headers: { 'retry-after': '3' },
        body: { status: 'fail', error: 'Too many', code: 429 },
      },
      {
        status: 503,
        headers: { 'retry-after': new Date(Date.now() + 20_000).toUTCString() },
        body: { status: 'fail', error: 'Unavailable', code: 503 },
      },
      // An hour is more than a run waits: the bound (60 s) applies.
      {
        status: 503,
        headers: { 'retry-after': '3600' },
        body: { status: 'fail', error: 'Later', code: 503 },
      },
    ]
    const server = await startLoopback(
      (request, index) =>
        answers[index] ?? {
          status: 200,
          body: { status: 'success', processed: uploadedRecords(request).length, unprocessed: [] },
        },
    )
    const app = await appAt(server, async (ms) => {
      waits.push(ms)
    })
    await createProfiles(app, 2)

    const finished = await app.run('sync.push')
    expect(finished.summary).toMatchObject({ status: 'succeeded', records: 2, requests: 4, retries: 3 })
    expect(server.requests).toHaveLength(4)
    expect(waits).toHaveLength(3)
    expect(waits[0]).toBe(3000)
    // An HTTP date has whole seconds: 19-20 s from when the reply arrived.
    expect(waits[1]).toBeGreaterThan(18_000)
    expect(waits[1]).toBeLessThanOrEqual(20_000)
    expect(waits[2]).toBe(60_000)
    expect(queued(app)).toEqual({})
  })
})
