// End to end under faults: 10,000 local changes (creations, edits, test marks, identifiers, events with
// logins, deletes, and counter operations) pushed to a sandbox that fails 20% of requests with 503 and
// drops 20% of connections after applying them. Afterwards the server holds exactly the local state:
// nothing lost, no event counted twice, no increment applied twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  expectServerMatches,
  openApp,
  seeded,
  startSandbox,
  type App,
  type Sandbox,
} from '../../test-support/sync-harness'

const CHANGES = 10_000

let sandbox: Sandbox
let app: App

beforeAll(async () => {
  sandbox = await startSandbox({ failRate: 0.2, dropConnections: 0.2, random: seeded(11) })
  app = openApp({ sync: { random: seeded(12) } })
  await app.configure(sandbox)
})

afterAll(async () => {
  await app.close()
  await sandbox.stop()
})

const FIRST = ['Ana', 'Bo', 'Chen', 'Dara', 'Émile', 'Farah', 'Gus', 'Hana', 'Ivo', 'Jun']
const PLANS = ['free', 'basic', 'pro', 'team']
const TAGS = ['news', 'sale', 'beta', 'vip', 'eu', 'us']

describe('push under 20% server errors and 20% dropped connections', () => {
  it('leaves the server with exactly the local state after 10,000 changes', async () => {
    const random = seeded(2024)
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T
    const live: string[] = []
    const identities = new Map<string, string>()
    const devices = Array.from({ length: 300 }, (_, i) => `dev-${i.toString(16).padStart(6, '0')}`)
    let created = 0
    let fbids = 0
    const withFbid = new Set<string>()
    let ops = 0
    const counterTotals = new Map<string, number>()

    const createProfile = async () => {
      created += 1
      const identity = `user-${created}`
      const profile = await app.call('profiles.create', {
        identifiers: [
          { kind: 'identity', value: identity },
          { kind: 'email', value: `${identity}@example.com` },
        ],
        changes: [{ op: 'set', key: 'Name', value: `${pick(FIRST)} ${created}` }],
      })
      live.push(profile.id)
      identities.set(profile.id, identity)
    }

    for (let i = 0; i < 200; i += 1) await createProfile()
    ops += 200
    while (ops < CHANGES) {
      const roll = random()
      const id = pick(live)
      if (roll < 0.08) {
        await createProfile()
      } else if (roll < 0.45) {
        const edit = random()
        const changes =
          edit < 0.2
            ? [{ op: 'set' as const, key: 'Name', value: `${pick(FIRST)} ${Math.floor(random() * 1000)}` }]
            : edit < 0.4
              ? [{ op: 'set' as const, key: 'Plan', value: pick(PLANS), type: 'string' as const }]
              : edit < 0.55
                ? [
                    {
                      op: 'set' as const,
                      key: 'Score',
                      value: Math.floor(random() * 500),
                      type: 'number' as const,
                    },
                  ]
                : edit < 0.7
                  ? [
                      {
                        op: 'set' as const,
                        key: 'Tags',
                        value: [pick(TAGS), pick(TAGS)],
                        type: 'multi' as const,
                      },
                    ]
                  : edit < 0.8
                    ? [{ op: 'unset' as const, key: pick(['Plan', 'Score', 'Tags']) }]
                    : edit < 0.9
                      ? [{ op: 'set' as const, key: 'Gender', value: pick(['M', 'F', 'O']) }]
                      : [
                          {
                            op: 'set' as const,
                            key: 'DOB',
                            value: `19${80 + Math.floor(random() * 20)}-0${1 + Math.floor(random() * 9)}-1${Math.floor(random() * 9)}`,
                          },
                        ]
        await app.call('profiles.update', { id, changes })
      } else if (roll < 0.5) {
        await app.call('profiles.setTest', { id, test: random() < 0.5 })
      } else if (roll < 0.53) {
        // One FBID per profile: a second one would be appended (a bad merge), not replace the first.
        if (!withFbid.has(id)) {
          fbids += 1
          withFbid.add(id)
          await app.call('profiles.identifiers.add', {
            id,
            identifier: { kind: 'fbid', value: `fb-${fbids}` },
          })
        }
      } else if (roll < 0.535 && live.length > 50) {
        live.splice(live.indexOf(id), 1)
        await app.call('profiles.delete', { id })
      } else {
        // Events from devices, some logging in as a known user (the login rule of PRODUCT.md §2).
        const login = random() < 0.3 ? identities.get(pick(live)) : undefined
        await app.call('events.record', {
          deviceId: pick(devices),
          name: pick(['Viewed Item', 'Added To Cart', 'Charged', 'Searched']),
          props: { Amount: Math.floor(random() * 100), Source: pick(['web', 'ios', 'android']) },
          ...(login ? { identity: login } : {}),
        })
      }
      ops += 1
    }

    // Counter operations ($incr), as a writer of operation records would queue them: they must not be
    // applied twice when a dropped connection makes the client resend them.
    const insert = app.backend.context.db.prepare(
      "INSERT INTO outbox (object_id, kind, payload, base, created_at) VALUES (?, 'profile', ?, '{}', ?)",
    )
    for (let i = 0; i < 300; i += 1) {
      const id = pick(live)
      const by = 1 + Math.floor(random() * 5)
      insert.run(
        id,
        JSON.stringify({ type: 'profile', objectId: id, profileData: { Visits: { $incr: by } } }),
        1_800_000_000,
      )
      counterTotals.set(id, (counterTotals.get(id) ?? 0) + by)
    }

    const waiting = await app.call('sync.status', {})
    expect(waiting.pending).toBeGreaterThan(CHANGES * 0.9)

    const runs = await app.pushUntilDone(10)
    const last = runs[runs.length - 1]
    expect(last?.status).toBe('succeeded')

    const status = await app.call('sync.status', {})
    expect(status).toMatchObject({ pending: 0, errors: 0, state: 'up-to-date', headline: 'Up to date' })
    // The faults really happened: requests were answered 503 and connections were dropped after applying.
    const stats = sandbox.server.stats()
    expect(stats.injectedFailures).toBeGreaterThan(10)
    expect(stats.droppedConnections).toBeGreaterThan(10)

    const compared = await expectServerMatches(app, sandbox, { ignoreFields: new Set(['Visits']) })
    expect(compared.profiles).toBeGreaterThanOrEqual(live.length)
    // Every event here is on the server once: the totals match (deleted profiles took theirs on both sides).
    const localEvents = app.rows<{ n: number }>('SELECT count(*) AS n FROM events')[0]?.n
    expect(sandbox.server.stats().events).toBe(localEvents)

    const remote = await sandbox.profiles()
    for (const [id, total] of counterTotals) {
      if (!live.includes(id)) continue
      const record = remote.find((r) => r.platformInfo.some((p) => p.objectId === id))
      expect(record?.profileData.Visits, `Visits of ${id}`).toBe(total)
    }
  }, 240_000)
})
