// Fault injection and exactly-once: a 5xx applies nothing, a dropped connection applied everything,
// and the $idem key makes a retried event or $incr count once (without it, a retry counts twice).

import { afterEach, describe, expect, it } from 'vitest'
import { authHeaders, startSandbox, type Sandbox } from '../../test-support/sandbox'

const started: Sandbox[] = []
afterEach(async () => {
  for (const harness of started.splice(0)) await harness.stop()
})

async function sandboxWith(options: Parameters<typeof startSandbox>[0]): Promise<Sandbox> {
  const harness = await startSandbox(options)
  started.push(harness)
  return harness
}

/** A random source that returns the given values in turn (and fails the test if asked for more). */
function sequence(...values: number[]): () => number {
  return () => {
    const next = values.shift()
    if (next === undefined) throw new Error('random() was drawn more often than the test planned')
    return next
  }
}

/** POSTs an upload with fetch; a dropped connection comes back as `dropped`. */
async function rawUpload(
  harness: Sandbox,
  records: unknown[],
): Promise<{ status: number; body: unknown } | 'dropped'> {
  try {
    const response = await fetch(`${harness.server.baseUrl}/1/upload`, {
      method: 'POST',
      headers: authHeaders,
      body: JSON.stringify({ d: records }),
    })
    return { status: response.status, body: await response.json() }
  } catch (error) {
    if (error instanceof TypeError) return 'dropped'
    throw error
  }
}

describe('failRate', () => {
  it('answers 503 with a JSON body and applies nothing', async () => {
    const sandbox = await sandboxWith({ failRate: 1 })
    const reply = await rawUpload(sandbox, [{ identity: 'f-1', type: 'profile', profileData: { Name: 'x' } }])
    expect(reply).toEqual({
      status: 503,
      body: {
        status: 'fail',
        error: 'Service unavailable (sandbox fault injection); nothing was applied',
        code: 503,
      },
    })
    expect(sandbox.server.stats()).toMatchObject({ injectedFailures: 1, profiles: 0, recordsProcessed: 0 })
  })

  it('fails exactly the requests whose draw falls under the rate', async () => {
    const sandbox = await sandboxWith({ failRate: 0.2, random: sequence(0.5, 0.1, 0.9, 0.05) })
    const statuses: number[] = []
    for (const identity of ['r-1', 'r-2', 'r-3']) {
      const reply = await rawUpload(sandbox, [{ identity, type: 'profile', profileData: {} }])
      statuses.push(reply === 'dropped' ? 0 : reply.status)
    }
    expect(statuses).toEqual([200, 503, 200])
    expect((await sandbox.get('/1/profile.json?identity=r-2', authHeaders)).status).toBe(503)
  })
})

describe('dropConnections', () => {
  it('resets the connection after applying the upload', async () => {
    const sandbox = await sandboxWith({ dropConnections: true })
    const reply = await rawUpload(sandbox, [
      { identity: 'd-1', type: 'profile', profileData: { Name: 'Applied anyway' } },
      { identity: 'd-1', ts: 1700000000, type: 'event', evtName: 'Purchased' },
    ])
    expect(reply).toBe('dropped')
    expect(sandbox.server.stats()).toMatchObject({
      droppedConnections: 1,
      profiles: 1,
      events: 1,
      recordsProcessed: 2,
    })
  })

  it('drops only the requests whose draw falls under the rate', async () => {
    const sandbox = await sandboxWith({ dropConnections: 0.5, random: sequence(0.4, 0.6) })
    expect(await rawUpload(sandbox, [{ identity: 'dr-1', type: 'profile', profileData: {} }])).toBe('dropped')
    expect(await rawUpload(sandbox, [{ identity: 'dr-2', type: 'profile', profileData: {} }])).toMatchObject({
      status: 200,
    })
    expect(sandbox.server.stats()).toMatchObject({ droppedConnections: 1, profiles: 2 })
  })
})

describe('latencyMs', () => {
  it('delays the reply by at least the configured time', async () => {
    const sandbox = await sandboxWith({ latencyMs: 150 })
    const started = performance.now()
    await sandbox.upload([{ identity: 'slow', type: 'profile', profileData: {} }])
    expect(performance.now() - started).toBeGreaterThanOrEqual(145)
  })
})

describe('idempotency keys ($idem, a sandbox extension)', () => {
  const changes = (withKeys: boolean) => [
    {
      identity: 'idem-user',
      ts: 1700000000,
      type: 'event',
      evtName: 'Purchased',
      ...(withKeys && { $idem: 'evt-1' }),
    },
    {
      identity: 'idem-user',
      type: 'profile',
      profileData: { Points: { $incr: 5 } },
      ...(withKeys && { $idem: 'incr-1' }),
    },
  ]

  it('applies a retried event and $incr once after a dropped connection', async () => {
    // First attempt: applied, then the connection drops. The retry and the lookup are answered.
    const sandbox = await sandboxWith({ dropConnections: 0.5, random: sequence(0.1, 0.9, 0.9) })
    expect(await rawUpload(sandbox, changes(true))).toBe('dropped')
    const retry = await rawUpload(sandbox, changes(true))
    expect(retry).toEqual({ status: 200, body: { status: 'success', processed: 2, unprocessed: [] } })
    const record = await sandbox.profileByIdentity('idem-user')
    expect(record.events.Purchased?.count).toBe(1)
    expect(record.profileData.Points).toBe(5)
    expect(sandbox.server.stats()).toMatchObject({ events: 1, appliedKeys: 2 })
  })

  it('without keys the same retry counts twice, as the real service would', async () => {
    const sandbox = await sandboxWith({ dropConnections: 0.5, random: sequence(0.1, 0.9, 0.9) })
    expect(await rawUpload(sandbox, changes(false))).toBe('dropped')
    await rawUpload(sandbox, changes(false))
    const record = await sandbox.profileByIdentity('idem-user')
    expect(record.events.Purchased?.count).toBe(2)
    expect(record.profileData.Points).toBe(10)
  })

  it('dedupes within one request and keeps no key for a refused record', async () => {
    const sandbox = await sandboxWith({})
    const add = {
      identity: 'idem-2',
      type: 'profile',
      profileData: { Tags: { $add: ['a'] } },
      $idem: 'add-1',
    }
    const badThenFixed = (email: string) => ({
      identity: 'idem-2',
      type: 'profile',
      profileData: { Email: email },
      $idem: 'mail-1',
    })
    const first = await sandbox.upload([add, add, badThenFixed('broken')])
    expect(first).toMatchObject({ status: 'partial', processed: 2 })
    expect(first.unprocessed[0]?.code).toBe(515)
    // The fixed record reuses its key: it was never applied, so it applies now.
    expect((await sandbox.upload([badThenFixed('fixed@example.com')])).status).toBe('success')
    // A later $remove and a stale retry of the $add: the retry must not bring the tag back.
    await sandbox.upload([{ identity: 'idem-2', type: 'profile', profileData: { Tags: { $remove: ['a'] } } }])
    await sandbox.upload([add])
    const record = await sandbox.profileByIdentity('idem-2')
    expect(record.email).toBe('fixed@example.com')
    expect(record.profileData).not.toHaveProperty('Tags')
  })

  it('refuses a key that is not a short string with 512', async () => {
    const sandbox = await sandboxWith({})
    const reply = await sandbox.upload([
      { identity: 'idem-3', type: 'event', evtName: 'x', $idem: 42 },
      { identity: 'idem-3', type: 'event', evtName: 'x', $idem: 'k'.repeat(129) },
    ])
    expect(reply.unprocessed.map((u) => u.code)).toEqual([512, 512])
    expect(reply.unprocessed[0]?.error).toBe(
      'Invalid record structure: $idem 42 must be a non-empty string of at most 128 characters. Skipped record number : 1',
    )
  })
})
