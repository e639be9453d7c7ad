// sample.load: a job of realistic generated profiles that pass the shared validators, shows both login
// scenarios through the real login rule, writes no outbox rows, cancels between batches; the bulk path
// builds its indexes at the end, and a bulk load killed half-way is finished at the next start.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import {
  validateCustomProperty,
  validateIdentifier,
  validateSystemProperty,
} from '../../shared/profile/catalogue'
import type { JobFinishedEvent } from '../../shared/ipc/events'
import { SampleGenerator } from '../../electron/backend/core/sample/generator'
import { beginBulkLoad } from '../../electron/backend/core/db/bulk-load'
import { PROFILE_BULK_STRUCTURES } from '../../electron/backend/core/profiles/schema'
import { openHarness, type Harness } from '../../test-support/store-harness'

let h: Harness | undefined
afterEach(async () => {
  await h?.close()
  h = undefined
})

async function load(harness: Harness, profiles: number): Promise<JobFinishedEvent> {
  const finished = new Promise<JobFinishedEvent>((resolve) => {
    const off = harness.backend.on('job.finished', (e) => {
      off()
      resolve(e)
    })
  })
  await harness.call('sample.load', { profiles })
  return finished
}

describe('sample data', () => {
  it('generates profiles that pass the shared validators, the same for the same seed', () => {
    const a = new SampleGenerator({ now: 1_780_000_000 })
    const b = new SampleGenerator({ now: 1_780_000_000 })
    let identified = 0
    for (let i = 0; i < 500; i++) {
      const p = a.next()
      expect(b.next()).toEqual(p)
      if (!p.identity) continue
      identified += 1
      expect(validateIdentifier('identity', p.identity)).toBeNull()
      expect(validateIdentifier('email', p.email as string)).toBeNull()
      for (const [key, value] of [
        ['Name', p.name],
        ['Email', p.email],
        ['Phone', p.phone],
        ['Gender', p.gender],
        ['DOB', p.dob],
        ['Timezone', p.timezone],
      ] as const) {
        const checked = validateSystemProperty(key, value)
        expect(checked.ok, `${key} ${String(value)}`).toBe(true)
      }
      expect(validateCustomProperty('loyalty_points', 'number', p.custom.loyalty_points).ok).toBe(true)
    }
    expect(identified / 500).toBeGreaterThan(0.6)
    expect(identified / 500).toBeLessThan(0.8)
  })

  it('loads as a job: anonymous and identified profiles, test profiles, both login scenarios, no outbox', async () => {
    h = openHarness()
    const progress: number[] = []
    h.backend.on('job.progress', (e) => progress.push(e.done))
    const finished = await load(h, 3000)
    expect(finished.status).toBe('succeeded')
    expect(finished.summary).toMatchObject({ profiles: 3000, bulk: false })
    const summary = finished.summary as { scenario1: number; scenario2: number }
    expect(summary.scenario1).toBeGreaterThan(0)
    expect(summary.scenario2).toBeGreaterThan(0)
    expect(progress.at(-1)).toBe(3000)

    const info = await h.call('app.info', {})
    expect(info.profileCount).toBeGreaterThan(3000)
    const anonymous = await h.call('profiles.list', { filters: { type: 'Anonymous' } })
    expect(anonymous.total / info.profileCount).toBeGreaterThan(0.2)
    expect((await h.call('profiles.list', { filters: { test: true } })).total).toBeGreaterThan(10)
    expect(h.rows('SELECT count(*) AS n FROM outbox')).toEqual([{ n: 0 }])
    // Every stored type agrees with the profile's identifiers (deriveProfileType).
    expect(
      h.rows(
        'SELECT count(*) AS n FROM profiles p WHERE p.identified <> (p.id IN (SELECT profile_id FROM identifiers))',
      ),
    ).toEqual([{ n: 0 }])

    // A Scenario 2 user shows greyed anonymous events that are not in its counts.
    const [link] = h.rows<{ object_id: string }>(
      'SELECT p.object_id FROM anonymous_links l JOIN profiles p ON p.id = l.identified_profile_id LIMIT 1',
    )
    const timeline = await h.call('profiles.events', { id: link?.object_id as string, limit: 100 })
    const greyed = timeline.items.filter((e) => e.anonymous)
    expect(greyed.map((e) => e.name)).toEqual(
      expect.arrayContaining(['App Launched', 'Product Viewed', 'Added To Cart']),
    )
    const detail = await h.call('profiles.get', { id: link?.object_id as string })
    const counted = detail.eventSummaries.reduce((sum, s) => sum + s.count, 0)
    expect(counted).toBe(timeline.total - greyed.length)

    // Search works on the sample right away.
    const someone = (await h.call('profiles.list', { filters: { type: 'Identified' }, limit: 1 })).items[0]
    const found = await h.call('profiles.search', { query: someone?.email?.slice(0, 5) as string })
    expect(found.total).toBeGreaterThan(0)

    // A second load adds new people instead of colliding with the first.
    const again = await load(h, 500)
    expect(again.summary).toMatchObject({ profiles: 500, skipped: 0 })
  })

  it('cancels between batches and leaves a consistent, searchable database', async () => {
    h = openHarness()
    const finished = new Promise<JobFinishedEvent>((resolve) => h?.backend.on('job.finished', resolve))
    const { jobId } = await h.call('sample.load', { profiles: 19_000 })
    const off = h.backend.on('job.progress', () => {
      off()
      void h?.call('jobs.cancel', { jobId })
    })
    const result = await finished
    expect(result.status).toBe('cancelled')
    const count = (await h.call('app.info', {})).profileCount
    expect(count).toBeGreaterThan(0)
    expect(count).toBeLessThan(19_000)
    expect(h.rows('PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }])
    expect((await h.call('profiles.list', {})).total).toBe(count)
    expect((await h.call('jobs.list', {})).jobs.map((j) => j.status)).toEqual(['cancelled'])
  })

  it('takes the bulk path into an empty database and builds the search indexes at the end', async () => {
    h = openHarness()
    const finished = await load(h, 20_000)
    expect(finished.summary).toMatchObject({ profiles: 20_000, bulk: true })
    expect(
      h.rows("SELECT count(*) AS n FROM sqlite_schema WHERE type = 'index' AND name = 'profiles_email_key'"),
    ).toEqual([{ n: 1 }])
    // 6 profile triggers (text index, counts), 5 that keep the reachability codes and 5 that keep the
    // overview's counts (core/devices), 3 that keep its age_counts, 4 that drop an import row hash when its
    // profile changes elsewhere (core/imports/row-hashes.ts).
    expect(h.rows("SELECT count(*) AS n FROM sqlite_schema WHERE type = 'trigger'")).toEqual([{ n: 23 }])
    expect(h.rows('SELECT sum(n) AS n FROM age_counts')).toEqual([{ n: 20_000 + 100 }])
    expect(h.rows('SELECT sum(n) AS n FROM reach_counts')).toEqual([{ n: 20_000 + 100 }])
    // The reach insert trigger was dropped for the load: every new row got its codes in the final pass.
    expect(h.rows('SELECT count(*) AS n FROM profiles WHERE reach IS NULL')).toEqual([{ n: 0 }])
    expect(
      h.rows("INSERT INTO profiles_fts(profiles_fts, rank) VALUES ('integrity-check', 1) RETURNING 1"),
    ).toBeDefined()
    const counts = h.rows<{ n: number }>('SELECT count(*) AS n FROM profiles')[0]?.n
    expect((await h.call('app.info', {})).profileCount).toBe(counts)
    const [row] = h.rows<{ name: string }>(
      'SELECT name FROM profiles WHERE name IS NOT NULL LIMIT 1 OFFSET 777',
    )
    const surname = (row?.name.split(' ').at(-1) as string).slice(1, 5)
    expect((await h.call('profiles.search', { query: surname })).total).toBeGreaterThan(0)
  })

  it('finishes a bulk load interrupted half-way at the next start', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'profile-desk-bulk-'))
    try {
      const first = openHarness({ dataDir })
      const p = await first.call('profiles.create', {
        changes: [{ op: 'set', key: 'Name', value: 'Survivor Smith' }],
      })
      beginBulkLoad(first.backend.context.db, PROFILE_BULK_STRUCTURES) // as if a load was killed right after it began
      expect(first.rows("SELECT count(*) AS n FROM sqlite_schema WHERE name = 'profiles_name_key'")).toEqual([
        { n: 0 },
      ])
      await first.close()
      h = openHarness({ dataDir })
      expect(h.rows("SELECT count(*) AS n FROM sqlite_schema WHERE name = 'profiles_name_key'")).toEqual([
        { n: 1 },
      ])
      expect(idsOf(await h.call('profiles.search', { query: 'vivor' }))).toEqual([p.id])
      await h.call('profiles.update', {
        id: p.id,
        changes: [{ op: 'set', key: 'Name', value: 'Renamed Jones' }],
      })
      expect(idsOf(await h.call('profiles.search', { query: 'jones' }))).toEqual([p.id])
      expect((await h.call('app.info', {})).profileCount).toBe(1)
    } finally {
      await h?.close()
      h = undefined
      rmSync(dataDir, { recursive: true, force: true })
    }
  })
})

function idsOf(r: { items: { id: string }[] }): string[] {
  return r.items.map((i) => i.id)
}
