// The profile type follows the seed's "User Profile Types": Identified when the profile holds any uniquely
// identifying information (Identity, Email, FBID, GPID or a custom identifier). The store, Find People's
// filters and counts, and older databases (corrected by migration 5) all agree.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openDatabase } from '../../electron/backend/core/db/connection'
import { MIGRATIONS } from '../../electron/backend/core/services'
import { openHarness, type Harness } from '../../test-support/store-harness'

describe('profile type', () => {
  let h: Harness
  beforeEach(() => {
    h = openHarness()
  })
  afterEach(async () => {
    await h.close()
  })

  it.each([
    ['fbid', { kind: 'fbid', value: '100004567' }],
    ['gpid', { kind: 'gpid', value: '112233445566' }],
    ['custom', { kind: 'custom', name: 'crm_id', value: 'A-17' }],
  ] as const)(
    'a profile known only by its %s is Identified, and Anonymous again without it',
    async (_, id) => {
      const p = await h.call('profiles.create', { changes: [{ op: 'set', key: 'Name', value: 'Kim' }] })
      expect(p.type).toBe('Anonymous')
      const added = await h.call('profiles.identifiers.add', { id: p.id, identifier: id })
      expect(added.type).toBe('Identified')
      // Find People's filter and counts read the stored type.
      expect(
        (await h.call('profiles.list', { filters: { type: 'Identified' } })).items.map((i) => i.id),
      ).toEqual([p.id])
      expect((await h.call('profiles.search', { query: 'Kim', filters: { type: 'Anonymous' } })).total).toBe(
        0,
      )
      expect((await h.call('profiles.search', { query: 'Kim' })).items[0]?.type).toBe('Identified')
      const removed = await h.call('profiles.identifiers.remove', { id: p.id, identifier: id })
      expect(removed.type).toBe('Anonymous')
      expect((await h.call('profiles.list', { filters: { type: 'Anonymous' } })).total).toBe(1)
    },
  )

  it('a phone alone leaves a profile Anonymous (phones may be shared: not uniquely identifying)', async () => {
    const p = await h.call('profiles.create', {
      changes: [{ op: 'set', key: 'Phone', value: '+14155550101' }],
    })
    expect(p.type).toBe('Anonymous')
  })
})

describe('migration 5 corrects databases written by older versions', () => {
  let dir: string
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'profile-desk-type-migration-'))
  })
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true })
  })

  it('stored Anonymous profiles holding an FBID, GPID or custom identifier become Identified, counts too', async () => {
    // A version-4 database as the old rule wrote it: only Identity and Email made a profile Identified.
    const old = openDatabase(join(dir, 'profiles.db'), {
      migrations: MIGRATIONS.filter((m) => m.version <= 4),
    })
    expect(old.pragma('user_version', { simple: true })).toBe(4)
    const insert = old.prepare(
      'INSERT INTO profiles (object_id, name, name_key, identified, created_at, updated_at) VALUES (?, ?, ?, ?, 1, 1)',
    )
    const identifier = old.prepare(
      'INSERT INTO identifiers (profile_id, kind, name, value, value_key, added_at) VALUES (?, ?, ?, ?, ?, 1)',
    )
    const add = (objectId: string, identified: number, kind?: string, name = '') => {
      const id = Number(insert.run(objectId, objectId, objectId, identified).lastInsertRowid)
      if (kind) identifier.run(id, kind, name, `${objectId}-value`, `${objectId}-value`)
    }
    add('by-fbid', 0, 'fbid')
    add('by-gpid', 0, 'gpid')
    add('by-custom', 0, 'custom', 'crm_id')
    add('by-identity', 1, 'identity')
    add('nothing', 0)
    // A wrong stored type the other way round is corrected too.
    add('stale-identified', 1)
    old.close()

    const h = openHarness({ dataDir: dir })
    try {
      const type = async (id: string) => (await h.call('profiles.get', { id })).type
      expect(await type('by-fbid')).toBe('Identified')
      expect(await type('by-gpid')).toBe('Identified')
      expect(await type('by-custom')).toBe('Identified')
      expect(await type('by-identity')).toBe('Identified')
      expect(await type('nothing')).toBe('Anonymous')
      expect(await type('stale-identified')).toBe('Anonymous')
      const identified = await h.call('profiles.list', { filters: { type: 'Identified' } })
      expect(identified.items.map((i) => i.id).sort()).toEqual([
        'by-custom',
        'by-fbid',
        'by-gpid',
        'by-identity',
      ])
      expect(identified.total).toBe(4)
      expect((await h.call('profiles.list', { filters: { type: 'Anonymous' } })).total).toBe(2)
    } finally {
      await h.close()
    }
  })
})
