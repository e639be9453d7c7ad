// sample.load: generated profiles written in batches (one transaction each, cancellable between them),
// then a few devices replayed through the real login rule so the sample shows Scenario 1 (an anonymous
// device becomes the user's profile) and Scenario 2 (greyed anonymous events on an existing user).
// Large loads into an empty database take the bulk path (indexes and FTS built after the rows).
import { setImmediate as yieldToEventLoop } from 'node:timers/promises'
import { AppError } from '../../../../shared/ipc/envelope'
import type { JobHandle } from '../../../../shared/jobs/job-kinds'
import type { CustomPropertyType, SampleLoadSummary } from '../../../../shared/profile/types'
import type { BackendContext } from '../context'
import type { Db } from '../db/connection'
import { closeChangeSet, openChangeSet } from '../changes/change-sets'
import { applyEvent, type WriteOptions } from '../profiles/login'
import { ProfileChange } from '../profiles/profile-change'
import { findProfileRow } from '../profiles/profile-rows'
import { loadCustomTypes } from '../profiles/properties'
import { countProfiles } from '../profiles/search'
import { nowSeconds } from '../profiles/statements'
import { beginBulkLoad, finishBulkLoad } from '../db/bulk-load'
import { AUDIENCE_BULK_STRUCTURES } from '../devices/schema'
import { SAMPLE_CUSTOM_TYPES, SampleGenerator, type SampleProfile } from './generator'
import { SampleWriter } from './sample-writer'

/** From this many profiles into an empty database, indexes are built after the rows, not during. */
export const BULK_THRESHOLD = 20_000
const SMALL_BATCH = 2_000
const BULK_BATCH = 50_000
const NEXT_INDEX_KEY = 'sample_next_index'
export const SAMPLE_ACTOR = 'sample data'

export interface SampleLoadOptions {
  profiles: number
  seed?: number
  signal?: AbortSignal
  progress?: (phase: string, done: number, total: number) => void
}

const loading = new WeakSet<Db>()

function readNextIndex(db: Db): number {
  const row = db.prepare('SELECT value FROM settings WHERE key = ?').get(NEXT_INDEX_KEY) as
    { value: string } | undefined
  return row ? Number(row.value) : 0
}

/** Registers the sample's custom keys; a key the account already uses with another type is left out. */
function usableCustomKeys(db: Db): string[] {
  const types = loadCustomTypes(db)
  const usable = Object.entries(SAMPLE_CUSTOM_TYPES).filter(
    ([key, type]) => (types.get(key) ?? type) === type,
  )
  const register = db.prepare('INSERT OR IGNORE INTO custom_property_types (key, type) VALUES (?, ?)')
  for (const [key, type] of usable) register.run(key, type as CustomPropertyType)
  return usable.map(([key]) => key)
}

export async function loadSampleData(
  ctx: BackendContext,
  options: SampleLoadOptions,
): Promise<SampleLoadSummary> {
  const db = ctx.db
  if (loading.has(db))
    throw new AppError('conflict', 'Sample data is already being loaded; wait for it to finish.')
  loading.add(db)
  const started = performance.now()
  try {
    const at = nowSeconds(ctx.clock)
    const total = options.profiles
    const bulk = total >= BULK_THRESHOLD && countProfiles(db, {}) === 0
    const generator = new SampleGenerator({
      seed: options.seed,
      start: readNextIndex(db),
      now: at,
      maxEvents: bulk ? 4 : 6,
    })
    const customKeys = db.transaction(() => usableCustomKeys(db)).immediate()
    // One change set for the whole load (each batch commits into it); closed below, deleted if empty.
    const label = `Sample data: ${total.toLocaleString('en-US')} profiles`
    const changeSet = openChangeSet(db, { kind: 'sample', actor: SAMPLE_ACTOR, label, at })
    let state: 'done' | 'cancelled' | 'interrupted' = 'interrupted'
    try {
      const writer = new SampleWriter(
        db,
        { checkConflicts: !bulk, at, changeSet, actor: SAMPLE_ACTOR },
        customKeys,
      )
      const saveIndex = db.prepare('INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)')
      const identities: string[] = []
      let written = 0
      let skipped = 0
      let done = 0
      let indexingSeconds = 0
      if (bulk) beginBulkLoad(db, AUDIENCE_BULK_STRUCTURES)
      try {
        while (done < total && !options.signal?.aborted) {
          const size = Math.min(bulk ? BULK_BATCH : SMALL_BATCH, total - done)
          db.transaction(() => {
            for (let i = 0; i < size; i++) {
              const profile = generator.next()
              if (writer.write(profile)) {
                written += 1
                if (profile.identity && identities.length < 200) identities.push(profile.identity)
              } else skipped += 1
            }
            saveIndex.run(NEXT_INDEX_KEY, String(generator.nextIndex))
          }).immediate()
          done += size
          options.progress?.('profiles', done, total)
          await yieldToEventLoop()
        }
      } finally {
        if (bulk) {
          options.progress?.('indexing', done, total)
          const indexing = performance.now()
          finishBulkLoad(db, AUDIENCE_BULK_STRUCTURES)
          indexingSeconds = Math.round((performance.now() - indexing) / 10) / 100
        }
      }
      let scenarios = { scenario1: 0, scenario2: 0 }
      if (!options.signal?.aborted && written > 0) {
        scenarios = db
          .transaction(() =>
            replayLoginScenarios(
              db,
              generator,
              identities,
              { at, actor: SAMPLE_ACTOR, outbox: false, changeSet },
              Math.min(50, Math.max(2, Math.round(total / 100))),
            ),
          )
          .immediate()
        db.prepare('INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)').run(
          NEXT_INDEX_KEY,
          String(generator.nextIndex),
        )
      }
      ctx.events.emit('profiles.changed', { ids: [], all: true })
      state = options.signal?.aborted ? 'cancelled' : 'done'
      return {
        profiles: written,
        skipped,
        ...scenarios,
        bulk,
        cancelled: options.signal?.aborted ?? false,
        seconds: Math.round((performance.now() - started) / 10) / 100,
        indexingSeconds,
      }
    } finally {
      closeChangeSet(db, changeSet, state, { at })
    }
  } finally {
    loading.delete(db)
  }
}

/**
 * Devices replayed through the login rule (no outbox: demo data). Scenario 1: a new device browses
 * anonymously, then logs in with a new identity and buys: one profile, all events counted. Scenario 2:
 * a new device browses anonymously, then logs in as an existing user: the anonymous profile keeps the
 * first events (greyed on the user's page), the later ones land on the user.
 */
function replayLoginScenarios(
  db: Db,
  generator: SampleGenerator,
  identities: readonly string[],
  options: WriteOptions,
  count: number,
): { scenario1: number; scenario2: number } {
  const at = options.at
  let scenario1 = 0
  let scenario2 = 0
  for (let i = 0; i < count; i++) {
    const template: SampleProfile = generator.next()
    const device = template.objectId
    let ts = at - (i + 1) * 3_600 - 7 * 86_400
    for (const name of ['App Launched', 'Product Viewed']) {
      applyEvent(db, { deviceId: device, name, props: generator.event(ts).props, ts }, options)
      ts += 300
    }
    const identity = template.identity ?? generator.newIdentity()
    const login = applyEvent(
      db,
      { deviceId: device, identity, name: 'Charged', props: generator.event(ts, 'USD').props, ts },
      options,
    )
    if (login.login === 'became') {
      scenario1 += 1
      const row = findProfileRow(db, login.profileId)
      if (row) {
        const change = new ProfileChange(db, row)
        if (template.name) change.apply({ op: 'set', key: 'Name', value: template.name })
        if (template.email) change.apply({ op: 'set', key: 'Email', value: template.email })
        if (template.phone) change.apply({ op: 'set', key: 'Phone', value: template.phone })
        change.commit(options)
      }
    }
  }
  for (let i = 0; i < count && i < identities.length; i++) {
    const device = generator.deviceId()
    let ts = at - (i + 1) * 1_800 - 2 * 86_400
    for (const name of ['App Launched', 'Product Viewed', 'Added To Cart']) {
      const props = name === 'App Launched' ? {} : generator.event(ts).props
      applyEvent(db, { deviceId: device, name, props, ts }, options)
      ts += 240
    }
    const identity = identities[i] as string
    const login = applyEvent(db, { deviceId: device, identity, name: 'App Launched', props: {}, ts }, options)
    if (login.login === 'switched') scenario2 += 1
    applyEvent(
      db,
      {
        deviceId: device,
        identity,
        name: 'Charged',
        props: generator.event(ts + 600, 'USD').props,
        ts: ts + 600,
      },
      options,
    )
  }
  return { scenario1, scenario2 }
}

/** sample.load as a job: progress per batch, cancel between batches. */
export function startSampleLoad(ctx: BackendContext, request: { profiles: number }): JobHandle {
  if (loading.has(ctx.db))
    throw new AppError('conflict', 'Sample data is already being loaded; wait for it to finish.')
  const { jobId } = ctx.jobs.start('sample.load', (control) =>
    loadSampleData(ctx, {
      profiles: request.profiles,
      signal: control.signal,
      progress: (phase, done, total) => control.progress(phase, done, total),
    }),
  )
  return { jobId }
}
