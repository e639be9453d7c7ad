// What a pull downloads: the query (event, date range, profile-field filters in CleverTap's query
// language) is set in the settings or for one run, validated at the boundary, sent as CleverTap's body,
// honoured by the sandbox (a narrower query pulls fewer profiles), and said in words.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { DEFAULT_PULL_QUERY, describePullQuery, queryBody, todayForQuery } from '../../shared/sync/pull-query'
import { cli, type App, type Sandbox, stoppedAfterEach } from '../../test-support/sync-harness'
import { startLoopback } from '../../test-support/loopback-server'

const { sandboxWith, appWith } = stoppedAfterEach()

const at = (iso: string) => Date.parse(iso)
const seconds = (iso: string) => at(iso) / 1000

/** Five profiles on the server; three bought something in 2024, one in 2023; plans differ. */
async function shop(sandbox: Sandbox): Promise<void> {
  const reply = await sandbox.upload([
    { type: 'profile', identity: 'c-1', profileData: { Name: 'Ann', Plan: 'pro', Email: 'ann@example.com' } },
    { type: 'profile', identity: 'c-2', profileData: { Name: 'Bo', Plan: 'free', Email: 'bo@example.com' } },
    { type: 'profile', identity: 'c-3', profileData: { Name: 'Cy', Plan: 'pro' } },
    { type: 'profile', identity: 'c-4', profileData: { Name: 'Di', Plan: 'pro', Email: 'di@example.com' } },
    { type: 'profile', identity: 'c-5', profileData: { Name: 'Ed' } },
    {
      type: 'event',
      identity: 'c-1',
      evtName: 'Purchased',
      ts: seconds('2024-02-10T10:00:00Z'),
      evtData: {},
    },
    {
      type: 'event',
      identity: 'c-2',
      evtName: 'Purchased',
      ts: seconds('2024-06-01T10:00:00Z'),
      evtData: {},
    },
    {
      type: 'event',
      identity: 'c-3',
      evtName: 'Purchased',
      ts: seconds('2024-12-31T23:00:00Z'),
      evtData: {},
    },
    {
      type: 'event',
      identity: 'c-4',
      evtName: 'Purchased',
      ts: seconds('2023-05-05T10:00:00Z'),
      evtData: {},
    },
  ])
  expect(reply).toMatchObject({ status: 'success', processed: 9 })
}

/** The identities of the local profiles. */
async function identities(app: App): Promise<string[]> {
  const rows = app.rows<{ identity: string }>('SELECT identity FROM profiles ORDER BY identity')
  return rows.map((row) => row.identity)
}

describe('the pull query', () => {
  it('by default asks a custom server for every profile, and says so', async () => {
    const sandbox = await sandboxWith()
    await shop(sandbox)
    const app = appWith()
    await app.configure(sandbox)
    const view = await app.call('sync.settings.get', {})
    expect(view.pullQuery).toEqual(DEFAULT_PULL_QUERY)
    expect(view.pullCoverage).toBe(
      "Every profile on the server: this server is asked without an event. CleverTap's own API needs one.",
    )
    const pulled = await app.run('sync.pull')
    expect(pulled.summary).toMatchObject({ records: 5, created: 5, covered: view.pullCoverage })
    expect(await identities(app)).toEqual(['c-1', 'c-2', 'c-3', 'c-4', 'c-5'])
  })

  it('narrower: an event and dates, then a field filter, pull fewer profiles', async () => {
    const sandbox = await sandboxWith()
    await shop(sandbox)
    const app = appWith()
    await app.configure(sandbox, {
      pullQuery: { eventName: 'Purchased', from: 20240101, to: 20241231, profileFields: [] },
    })
    expect((await app.call('sync.settings.get', {})).pullCoverage).toBe(
      'Profiles that did "Purchased" from 2024-01-01 to 2024-12-31.',
    )
    expect((await app.run('sync.pull')).summary).toMatchObject({ records: 3, created: 3 })
    expect(await identities(app)).toEqual(['c-1', 'c-2', 'c-3'])

    // A one-off query for this run only: 2024 buyers on the pro plan who have an email.
    const other = appWith()
    await other.configure(sandbox)
    const query = {
      eventName: 'Purchased',
      from: 20240101,
      to: null,
      profileFields: [
        { name: 'Plan', operator: 'equals' as const, value: 'pro' },
        { name: 'Email', operator: 'exists' as const },
      ],
    }
    const narrow = await other.run('sync.pull', { query })
    expect(narrow.summary).toMatchObject({
      records: 1,
      created: 1,
      covered:
        'Profiles that did "Purchased" from 2024-01-01 to today, where Plan equals "pro" and Email is set.',
    })
    expect(await identities(other)).toEqual(['c-1'])
    // The saved query is untouched by a one-off one.
    expect((await other.call('sync.settings.get', {})).pullQuery).toEqual(DEFAULT_PULL_QUERY)
  })

  it('goes on the wire as CleverTap’s query body', async () => {
    const server = await startLoopback((request) =>
      request.method === 'POST'
        ? { status: 200, body: { status: 'success', cursor: 'c' } }
        : { status: 200, body: { status: 'success', records: [] } },
    )
    const app = appWith()
    await app.call('sync.settings.set', {
      remote: { kind: 'url', baseUrl: server.baseUrl },
      accountId: 'A',
      passcode: 'P',
      pullQuery: {
        eventName: 'Charged',
        from: 20240101,
        to: 20240630,
        profileFields: [{ name: 'Score', operator: 'greater_than', value: 10 }],
      },
    })
    await app.run('sync.pull')
    expect(server.requests[0]?.path).toBe('/1/profiles.json?batch_size=920')
    expect(JSON.parse(server.requests[0]?.body ?? '')).toEqual({
      event_name: 'Charged',
      from: 20240101,
      to: 20240630,
      common_profile_properties: { profile_fields: [{ name: 'Score', operator: 'greater_than', value: 10 }] },
    })
  })

  it('is validated before anything is saved or sent', async () => {
    const app = appWith()
    const query = (patch: Record<string, unknown>) => ({ pullQuery: { ...DEFAULT_PULL_QUERY, ...patch } })
    const refusals: [Record<string, unknown>, string][] = [
      [{ from: 20240230 }, 'pullQuery.from: expected a calendar date written YYYYMMDD'],
      [{ from: 20240302, to: 20240301 }, 'pullQuery.from: the first day (from) is after the last day (to)'],
      [{ eventName: '  ' }, 'pullQuery.eventName'],
      [{ profileFields: [{ name: 'Plan', operator: 'exists', value: 'x' }] }, 'exists takes no value'],
      [{ profileFields: [{ name: 'Plan', operator: 'equals' }] }, 'equals needs a value'],
      [
        { profileFields: [{ name: 'Age', operator: 'less_than', value: '30' }] },
        'less_than compares a number',
      ],
      [
        { profileFields: [{ name: 'Plan', operator: 'between', value: 'x' }] },
        'pullQuery.profileFields.0.operator',
      ],
      [{ profileFields: [{ name: 'a:b', operator: 'exists' }] }, 'a property key holds no ":" or "$"'],
    ]
    for (const [patch, message] of refusals) {
      const error = await app.fail('sync.settings.set', query(patch))
      expect(error.code, JSON.stringify(patch)).toBe('validation')
      expect(error.message, JSON.stringify(patch)).toContain(message)
    }
    const tooMany = Array.from({ length: 21 }, (_, i) => ({ name: `K${i}`, operator: 'exists' }))
    expect((await app.fail('sync.settings.set', query({ profileFields: tooMany }))).code).toBe('validation')
    expect((await app.fail('sync.pull', { query: { eventName: 'x' } })).code).toBe('validation')
    expect((await app.call('sync.settings.get', {})).pullQuery).toEqual(DEFAULT_PULL_QUERY)
  })

  it('a query the server refuses fails the pull with the server’s words and where to change it', async () => {
    const server = await startLoopback(() => ({
      status: 400,
      body: { status: 'fail', error: 'Event name is not valid', code: 400 },
    }))
    const app = appWith()
    await app.call('sync.settings.set', {
      remote: { kind: 'url', baseUrl: server.baseUrl },
      accountId: 'A',
      passcode: 'P',
      pullQuery: { eventName: 'Nobody Does This', from: 20240101, to: 20240102, profileFields: [] },
    })
    const bad = await app.run('sync.pull')
    expect(bad.status).toBe('failed')
    expect(bad.error?.message).toBe(
      'The server refused the pull query {"event_name":"Nobody Does This","from":20240101,"to":20240102}: ' +
        'HTTP 400: Event name is not valid. Change it in Settings (What a pull downloads) or with ' +
        '`profile-desk sync query`.',
    )
    // Refused as a whole: not retried.
    expect(server.requests).toHaveLength(1)
  })
})

describe('profile-desk sync query / pull', () => {
  it('shows and saves the query, and pulls with a one-off one', async () => {
    const sandbox = await sandboxWith()
    await shop(sandbox)
    const folder = mkdtempSync(join(tmpdir(), 'sync-query-cli-'))
    try {
      const dataDir = join(folder, 'data')
      const app = appWith({ dataDir })
      await app.configure(sandbox)
      await app.close()

      const shown = await cli(['sync', 'query', '--data-dir', dataDir])
      expect(shown.code).toBe(0)
      expect(shown.stdout).toBe(
        "A pull downloads: Every profile on the server: this server is asked without an event. CleverTap's own API needs one.\n",
      )
      const saved = await cli(
        [
          'sync',
          'query',
          '--event',
          'Purchased',
          '--from',
          '2024-01-01',
          '--to',
          '20241231',
          '--json',
        ].concat(['--field', 'Plan:equals:pro', '--data-dir', dataDir]),
      )
      expect(saved.code).toBe(0)
      expect(JSON.parse(saved.stdout)).toEqual({
        pullQuery: {
          eventName: 'Purchased',
          from: 20240101,
          to: 20241231,
          profileFields: [{ name: 'Plan', operator: 'equals', value: 'pro' }],
        },
        pullCoverage: 'Profiles that did "Purchased" from 2024-01-01 to 2024-12-31, where Plan equals "pro".',
      })
      const bad = await cli(['sync', 'query', '--field', 'Plan:between:1', '--data-dir', dataDir])
      expect(bad.code).toBe(2)
      expect(bad.stderr).toContain('--field "Plan:between:1" is not NAME:OPERATOR[:VALUE]')

      // This run only: the saved event and dates, another field filter.
      const pulled = await cli(['sync', 'pull', '--field', 'Plan:equals:free', '--data-dir', dataDir])
      expect(pulled.code).toBe(0)
      expect(pulled.stdout).toContain('Downloaded 1 profiles')
      expect(pulled.stdout).toContain('where Plan equals "free"')
      const after = appWith({ dataDir })
      expect(await identities(after)).toEqual(['c-2'])
      expect((await after.call('sync.settings.get', {})).pullQuery.profileFields).toEqual([
        { name: 'Plan', operator: 'equals', value: 'pro' },
      ])
      await after.close()
    } finally {
      rmSync(folder, { recursive: true, force: true })
    }
    // Four CLI processes, each starting its own backend: on a loaded 2-core CI machine they took 30 s.
  }, 120_000)
})

describe('the default on CleverTap’s own hosts', () => {
  it('asks for App Launched from the earliest date to today (the easternmost date), and says what it misses', () => {
    const now = at('2024-06-14T11:00:00Z')
    expect(queryBody(DEFAULT_PULL_QUERY, 'region', now)).toEqual({
      event_name: 'App Launched',
      from: 20130101,
      to: 20240615,
    })
    expect(todayForQuery(at('2024-06-14T09:59:59Z'))).toBe(20240614)
    expect(queryBody(DEFAULT_PULL_QUERY, 'url', now)).toEqual({})
    expect(describePullQuery(DEFAULT_PULL_QUERY, 'region')).toBe(
      'Profiles that did "App Launched" from 2013-01-01 to today. That is every profile that used an app ' +
        "or website with CleverTap's SDK; profiles that were only uploaded, with no such event, are not " +
        'included (choose an event they have).',
    )
  })
})
