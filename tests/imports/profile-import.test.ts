// Profile imports end to end through the channels a wizard uses: preview, dry run, import, result,
// rejected-rows CSV and history; upserts, no-ops, repeated identities, operations and dates.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type {
  ImportPreview,
  ProfileColumnMapping,
  ProfileImportCounts,
} from '../../shared/ipc/channels/imports'
import { fullPayloadText, ProfileViews } from '../../electron/backend/core/sync/keyed-outbox'
import { eachTestImportHarness, type ImportHarness } from '../../test-support/import-harness'

let h: ImportHarness
eachTestImportHarness((opened) => (h = opened))

/** The preview's proposed columns of a profile file. */
const columnsOf = (preview: ImportPreview) => preview.mapping.columns as ProfileColumnMapping[]

const totals = () => ({ profiles: h.count('profiles'), audit: h.count('audit'), outbox: h.count('outbox') })

async function existing(identity: string, name: string, email?: string) {
  return h.call('profiles.create', {
    identifiers: [{ kind: 'identity', value: identity }],
    changes: [
      { op: 'set', key: 'Name', value: name },
      ...(email ? [{ op: 'set' as const, key: 'Email', value: email }] : []),
    ],
  })
}

const FILE =
  'identity,Name,E-mail,Mobile,Birthday,plan\n' +
  'u1,Ada Lovelace,ada@example.com,+441234567890,1815-12-10,gold\n' + // existing, changes Name and more
  'u2,Bob,bob@example.com,,,\n' + // existing, unchanged
  'u3,Cy,cy@example.com,07700900123,,silver\n' + // new, phone without + (warning)
  'u4,Di,not-an-email,,,\n' + // rejected
  ',Eve,eve@example.com,,,\n' // rejected: no identity

describe('dry run and import', () => {
  it('validates every row without writing, then imports exactly what the dry run announced', async () => {
    await existing('u1', 'Ada')
    await existing('u2', 'Bob', 'bob@example.com')
    const path = h.file('people.csv', FILE)
    const preview = await h.call('imports.preview', { file: h.grant(path) })
    expect(preview.columns.map((c) => c.proposal)).toEqual([
      { kind: 'identity' },
      { kind: 'system', key: 'Name' },
      { kind: 'system', key: 'Email' },
      { kind: 'system', key: 'Phone' },
      { kind: 'system', key: 'DOB' },
      { kind: 'custom', key: 'plan', type: 'string' },
    ])
    expect(preview.columns[2]?.samples).toEqual([
      'ada@example.com',
      'bob@example.com',
      'cy@example.com',
      'not-an-email',
      'eve@example.com',
    ])

    const before = totals()
    const dry = await h.run('imports.validate', { file: h.grant(path) })
    expect(dry.summary.mode).toBe('dry-run')
    const expected: ProfileImportCounts = {
      rows: 5,
      new: 1,
      updated: 1,
      unchanged: 1,
      rejected: 2,
      duplicates: 0,
      warnings: 1,
    }
    expect(dry.summary.counts).toEqual(expected)
    expect(dry.summary.rejections).toEqual([
      {
        line: 5,
        column: 'E-mail',
        value: 'not-an-email',
        reason: 'Email "not-an-email" is not a valid email address (expected name@domain.tld).',
      },
      {
        line: 6,
        column: 'identity',
        value: '',
        reason: 'The row has no identity (or objectId): every profile row needs one to be matched.',
      },
    ])
    expect(dry.summary.warnings).toEqual([
      expect.objectContaining({
        line: 4,
        column: 'Mobile',
        reason: expect.stringContaining('has no + and country code'),
      }),
    ])
    expect(totals()).toEqual(before)

    const imported = await h.run('imports.start', { file: h.grant(path) })
    expect(imported.event.status).toBe('succeeded')
    expect(imported.summary.counts).toEqual(expected)
    const ada = await h.call('profiles.lookup', { key: 'u1' })
    expect(ada.system).toMatchObject({
      Name: 'Ada Lovelace',
      Email: 'ada@example.com',
      Phone: '+441234567890',
      DOB: Date.UTC(1815, 11, 10) / 1000,
    })
    const cy = await h.call('profiles.lookup', { key: 'u3' })
    expect(cy.system.Phone).toBeUndefined()
    expect(cy.custom).toEqual([{ key: 'plan', type: 'string', value: 'silver' }])
    // The new profile: ONE audit row ('profile.create', no values). The changed one: a row per changed
    // field. One outbox record each, holding only the keys; nothing for the unchanged profile.
    expect(totals()).toEqual({
      profiles: before.profiles + 1,
      audit: before.audit + 1 + 5,
      outbox: before.outbox + 2,
    })
    expect(
      h.rows('SELECT action, field, old_value, new_value FROM audit WHERE object_id = ?', cy.id),
    ).toEqual([{ action: 'profile.create', field: null, old_value: null, new_value: null }])
    const history = (await h.call('profiles.history', { id: ada.id, limit: 5 })).items
    // System properties first, then custom ones, then identifiers: the order ProfileChange records them in.
    expect(history.reverse().map((e) => [e.action, e.field, e.oldValue, e.newValue, e.actor])).toEqual([
      ['property.set', 'Name', 'Ada', 'Ada Lovelace', 'importer'],
      ['property.set', 'Phone', null, '+441234567890', 'importer'],
      ['property.set', 'DOB', null, Date.UTC(1815, 11, 10) / 1000, 'importer'],
      ['property.set', 'plan', null, 'gold', 'importer'],
      ['property.set', 'Email', null, 'ada@example.com', 'importer'],
    ])
    expect(new Set(history.map((e) => e.changeSetKind))).toEqual(new Set(['import']))
    const outbox = h.rows<{ payload: string; base: string }>(
      'SELECT payload, base FROM outbox ORDER BY id DESC LIMIT 2',
    )
    expect(JSON.parse(outbox[0]?.payload ?? '')).toEqual({
      type: 'profile',
      objectId: cy.id,
      identity: 'u3',
      keys: 'all',
    })
    expect(JSON.parse(outbox[1]?.payload ?? '')).toEqual({
      type: 'profile',
      objectId: ada.id,
      identity: 'u1',
      keys: ['Name', 'Phone', 'DOB', 'plan', 'Email'],
    })
    // What sync sends for them: built from the profiles' current rows.
    const views = new ProfileViews(h.backend.context.db)
    expect(JSON.parse(fullPayloadText(views, cy.id, outbox[0]?.payload ?? '') ?? '')).toEqual({
      type: 'profile',
      objectId: cy.id,
      identity: 'u3',
      profileData: { Name: 'Cy', plan: 'silver', Email: 'cy@example.com', Identity: 'u3' },
    })
    expect(JSON.parse(fullPayloadText(views, ada.id, outbox[1]?.payload ?? '') ?? '')).toEqual({
      type: 'profile',
      objectId: ada.id,
      identity: 'u1',
      profileData: {
        Name: 'Ada Lovelace',
        Phone: '+441234567890',
        DOB: `$D_${Date.UTC(1815, 11, 10) / 1000}`,
        plan: 'gold',
        Email: 'ada@example.com',
      },
    })
    // The base holds the old values that existed; the keys that had none read as null.
    expect(JSON.parse(outbox[1]?.base ?? '')).toEqual({ Name: 'Ada' })
    // Cy is new: nothing held before, so no base at all.
    expect(outbox[0]?.base).toBeNull()
  })

  it('converges: the same file again changes nothing and writes no audit or outbox row', async () => {
    const path = h.file('people.csv', FILE)
    const first = await h.run('imports.start', { file: h.grant(path) })
    expect(first.summary.counts).toMatchObject({ new: 3, rejected: 2 })
    const after = totals()
    const again = await h.run('imports.start', { file: h.grant(path) })
    expect(again.summary.counts).toMatchObject({ new: 0, updated: 0, unchanged: 3, rejected: 2 })
    expect(totals()).toEqual(after)
  })

  it('applies repeated identities in file order: the later row wins, the report says so, and a re-run is a no-op', async () => {
    const path = h.file(
      'repeats.csv',
      'identity,Name,plan,tier\nr1,First,gold,\nr2,Other,,\nr1,Second,,3\nr1,,silver,\n',
    )
    const { summary } = await h.run('imports.start', { file: h.grant(path) })
    expect(summary.counts).toMatchObject({ rows: 4, new: 2, duplicates: 2 })
    expect(summary.duplicates).toEqual([
      { line: 4, firstLine: 2, key: 'r1' },
      { line: 5, firstLine: 2, key: 'r1' },
    ])
    expect(summary.notices).toContain(
      '2 rows repeat identities of an earlier row: their changes were applied in file order, so where rows disagree the later one wins.',
    )
    const r1 = await h.call('profiles.lookup', { key: 'r1' })
    expect(r1.system.Name).toBe('Second')
    expect(r1.custom).toEqual([
      { key: 'plan', type: 'string', value: 'silver' },
      { key: 'tier', type: 'number', value: 3 },
    ])
    // Written once: one creation, not three changes.
    expect(h.rows('SELECT action FROM audit WHERE object_id = ?', r1.id)).toEqual([
      { action: 'profile.create' },
    ])
    const again = await h.run('imports.start', { file: h.grant(path) })
    expect(again.summary.counts).toMatchObject({ new: 0, updated: 0, unchanged: 2 })
  })

  it('refuses an email another profile holds, naming it', async () => {
    const holder = await existing('h1', 'Holder', 'taken@example.com')
    const path = h.file('conflict.csv', 'identity,Email\nc1,taken@example.com\nc2,free@example.com\n')
    const { summary } = await h.run('imports.start', { file: h.grant(path) })
    expect(summary.counts).toMatchObject({ new: 1, rejected: 1 })
    expect(summary.rejections[0]).toMatchObject({
      line: 2,
      column: 'Email',
      reason: `Email "taken@example.com" already belongs to another profile (${holder.id}). An identifier value belongs to one profile.`,
    })
  })

  it('emits profiles.changed after committing', async () => {
    const changes: unknown[] = []
    h.backend.on('profiles.changed', (e) => changes.push(e))
    await h.run('imports.start', { file: h.grant(h.file('one.csv', 'identity,Name\nz1,Zed\n')) })
    expect(changes).toContainEqual({ ids: [], all: true })
  })
})

describe('operations and dates', () => {
  it('understands <column>.operation with $add, $remove, $set and $delete', async () => {
    const p = await h.call('profiles.create', {
      identifiers: [{ kind: 'identity', value: 'o1' }],
      changes: [
        { op: 'set', key: 'tags', value: ['a', 'b'], type: 'multi' },
        { op: 'set', key: 'Phone', value: '+14155551234' },
      ],
    })
    const path = h.file(
      'ops.csv',
      'identity,tags,tags.operation,Phone,Phone.operation\n' +
        'o1,c,$add,,$delete\n' + // one row per value, as CleverTap's format has it
        'o1,a,$remove,,\n' +
        'o2,"x, y",$set,+14155550000,$set\n' +
        'o3,z,$append,,\n',
    )
    const preview = await h.call('imports.preview', { file: h.grant(path) })
    expect(preview.columns[2]?.proposal).toEqual({ kind: 'operation', of: 'tags' })
    // The account knows tags as a multi-value property, so the proposal follows it.
    expect(preview.columns[1]?.proposal).toEqual({ kind: 'custom', key: 'tags', type: 'multi' })
    const { summary } = await h.run('imports.start', { file: h.grant(path) })
    expect(summary.counts).toMatchObject({ updated: 1, new: 1, rejected: 1, duplicates: 1 })
    expect(summary.rejections[0]?.reason).toBe(
      'Profile operation must be one of $add, $set, $remove, $delete (found "$append").',
    )
    const o1 = await h.call('profiles.get', { id: p.id })
    expect(o1.custom).toEqual([{ key: 'tags', type: 'multi', value: ['b', 'c'] }])
    expect(o1.system.Phone).toBeUndefined()
    const o2 = await h.call('profiles.lookup', { key: 'o2' })
    expect(o2.custom).toEqual([{ key: 'tags', type: 'multi', value: ['x', 'y'] }])
  })

  it('reads CleverTap date formats, $D_ values and Name<format> headers', async () => {
    const path = h.file(
      'dates.csv',
      'identity,DOB,signup<dd/MM/yyyy HH:mm:ss>,renewal\n' +
        'd1,31/01/1990,02/03/2021 14:05:09,$D_1700000000\n' +
        'd2,$D_19900131,15/12/2020 00:00:00,$D_1700086400\n' +
        'd3,31/02/1990,01/01/2021 00:00:00,$D_1700000000\n',
    )
    const preview = await h.call('imports.preview', { file: h.grant(path) })
    expect(preview.columns[1]).toMatchObject({
      proposal: { kind: 'system', key: 'DOB' },
      dateFormat: 'dd/MM/yyyy',
    })
    expect(preview.columns[2]).toMatchObject({
      proposal: { kind: 'custom', key: 'signup', type: 'date' },
      dateFormat: 'dd/MM/yyyy HH:mm:ss',
    })
    expect(preview.columns[3]).toMatchObject({ proposal: { kind: 'custom', key: 'renewal', type: 'date' } })
    const { summary } = await h.run('imports.start', { file: h.grant(path) })
    expect(summary.counts).toMatchObject({ new: 2, rejected: 1 })
    expect(summary.rejections[0]).toMatchObject({
      line: 4,
      column: 'DOB',
      reason: 'DOB "31/02/1990" is not a real date in the format dd/MM/yyyy.',
    })
    const d1 = await h.call('profiles.lookup', { key: 'd1' })
    expect(d1.system.DOB).toBe(Date.UTC(1990, 0, 31) / 1000)
    expect(d1.custom).toEqual([
      { key: 'signup', type: 'date', value: Date.UTC(2021, 2, 2, 14, 5, 9) / 1000 },
      { key: 'renewal', type: 'date', value: 1700000000 },
    ])
    expect((await h.call('profiles.lookup', { key: 'd2' })).system.DOB).toBe(Date.UTC(1990, 0, 31) / 1000)
  })

  it('flags day/month dates that could be read either way', async () => {
    const path = h.file('ambiguous.csv', 'identity,joined\na1,03/04/2020\na2,05/06/2021\n')
    const preview = await h.call('imports.preview', { file: h.grant(path) })
    expect(preview.columns[1]).toMatchObject({
      dateFormat: 'dd/MM/yyyy',
      note: 'dates like these could be dd/MM/yyyy or MM/dd/yyyy: check the format',
    })
  })
})

describe('mappings', () => {
  it('requires an identity or objectId column', async () => {
    const path = h.file('no-key.csv', 'Name,Email\nAnn,ann@example.com\n')
    const preview = await h.call('imports.preview', { file: h.grant(path) })
    expect(preview.problems).toEqual([
      'No column is mapped to Identity or objectId: profiles are matched by one of them (a column named "identity" is usual).',
    ])
    expect((await h.fail('imports.validate', { file: h.grant(path) })).message).toContain(
      'No column is mapped to Identity or objectId',
    )
  })

  it('saves a mapping by name and reuses it on another file, saying which columns it does not place', async () => {
    const first = h.file('crm-1.csv', 'Customer ID,Full name,Points\nc1,Ann,10\n')
    const preview = await h.call('imports.preview', { file: h.grant(first) })
    const mapping = {
      kind: 'profiles' as const,
      columns: columnsOf(preview).map((c) =>
        c.column === 'Points'
          ? { ...c, target: { kind: 'custom' as const, key: 'loyalty_points', type: 'number' as const } }
          : c,
      ),
    }
    await h.run('imports.start', { file: h.grant(first), mapping, saveMappingAs: 'CRM export' })
    expect((await h.call('imports.mappings.list', {})).items.map((m) => m.name)).toEqual(['CRM export'])

    const second = h.file('crm-2.csv', 'Full name,Customer ID,Points,Region\nBo,c2,20,North\n')
    const again = await h.call('imports.preview', { file: h.grant(second), mapping: { name: 'CRM export' } })
    expect(again.mappingName).toBe('CRM export')
    expect(again.unplaced).toEqual(['Region'])
    expect(again.notices).toContain(
      'This column is not placed by the mapping and will not be imported: Region.',
    )
    const { summary } = await h.run('imports.start', {
      file: h.grant(second),
      mapping: { name: 'CRM export' },
    })
    expect(summary.unplaced).toEqual(['Region'])
    expect(summary.mappingName).toBe('CRM export')
    const c2 = await h.call('profiles.lookup', { key: 'c2' })
    expect(c2.custom).toEqual([{ key: 'loyalty_points', type: 'number', value: 20 }])

    expect(
      await h.fail('imports.preview', { file: h.grant(second), mapping: { name: 'Nope' } }),
    ).toMatchObject({
      code: 'not_found',
      message: 'No saved mapping named "Nope". Saved mappings: CRM export.',
    })
    expect(await h.call('imports.mappings.delete', { name: 'crm export' })).toEqual({ deleted: true })
  })

  it('refuses a custom type that disagrees with the account', async () => {
    await h.call('profiles.create', { changes: [{ op: 'set', key: 'score', value: 5, type: 'number' }] })
    const path = h.file('typed.csv', 'identity,score\nt1,high\n')
    const preview = await h.call('imports.preview', { file: h.grant(path) })
    const mapping = {
      kind: 'profiles' as const,
      columns: columnsOf(preview).map((c) =>
        c.column === 'score'
          ? { ...c, target: { kind: 'custom' as const, key: 'score', type: 'string' as const } }
          : c,
      ),
    }
    expect((await h.fail('imports.start', { file: h.grant(path), mapping })).message).toContain(
      'Column "score": the custom property "score" is a number property in this account; map it as number, not string.',
    )
  })
})

describe('results', () => {
  it('keeps the rejected rows as CSV with the original columns and a Failure Description, formulas neutralised', async () => {
    const path = h.file(
      'bad.csv',
      'identity,Name,Email,note\n' +
        'e1,=HYPERLINK("x"),bad@,@risk\n' +
        'e2,Fine,fine@example.com,ok\n' +
        'e3,-1+1,also bad,+1\n' +
        'e4,"=1+1\nline two",worse,"-5\n@x"\n' +
        'e5,-12.5,nope,+4915112345678\n',
    )
    const { summary, runId } = await h.run('imports.start', { file: h.grant(path) })
    expect(summary.errorFile?.rows).toBe(4)
    const file = await h.call('imports.errors', { runId })
    expect(file.content).toBe(readFileSync(file.path, 'utf8'))
    expect(file.content.replace(/^\uFEFF/, '').split('\r\n')).toEqual([
      'identity,Name,Email,note,Failure Description',
      `e1,"'=HYPERLINK(""x"")",bad@,"'@risk","Email ""bad@"" is not a valid email address (expected name@domain.tld)."`,
      // A plain number cannot run as a formula: it is kept, so a corrected file imports the same value.
      `e3,"'-1+1",also bad,+1,"Email ""also bad"" is not a valid email address (expected name@domain.tld)."`,
      // A formula cell is neutralised even when it holds a line break.
      `e4,"'=1+1\nline two",worse,"'-5\n@x","Email ""worse"" is not a valid email address (expected name@domain.tld)."`,
      `e5,-12.5,nope,+4915112345678,"Email ""nope"" is not a valid email address (expected name@domain.tld)."`,
      '',
    ])
    const clean = await h.run('imports.start', { file: h.grant(h.file('clean.csv', 'identity\nk1\n')) })
    expect(await h.fail('imports.errors', { runId: clean.runId })).toMatchObject({ code: 'not_found' })
  })

  it('keeps every run in the history: file, who, when, mapping, counts, status', async () => {
    await h.run('imports.validate', { file: h.grant(h.file('a.csv', 'identity\nh1\n')) })
    await h.run('imports.start', { file: h.grant(h.file('b.csv', 'identity\nh2\nh3\n')) })
    const history = await h.call('imports.history', {})
    expect(history.total).toBe(1)
    expect(history.items[0]).toMatchObject({
      kind: 'profiles',
      mode: 'import',
      status: 'succeeded',
      fileName: 'b.csv',
      actor: 'importer',
      counts: expect.objectContaining({ new: 2 }),
      rowsDone: 2,
    })
    expect((await h.call('imports.history', { includeDryRuns: true })).total).toBe(2)
  })
})

describe('uploads', () => {
  it("takes a file from a browser in chunks, imports the copy by the upload's handle, then deletes it", async () => {
    const content = Buffer.from('identity,Name\nup1,Über Upload\n')
    const { uploadId } = await h.call('imports.upload.begin', {
      fileName: '../../etc/people.csv',
      bytes: content.length,
    })
    await h.call('imports.upload.chunk', {
      uploadId,
      offset: 0,
      data: content.subarray(0, 10).toString('base64'),
    })
    expect(await h.fail('imports.upload.chunk', { uploadId, offset: 0, data: 'AAAA' })).toMatchObject({
      code: 'validation',
      message: 'Upload chunks must arrive in order: expected offset 10, got 0.',
    })
    await h.call('imports.upload.chunk', {
      uploadId,
      offset: 10,
      data: content.subarray(10).toString('base64'),
    })
    const chosen = await h.call('imports.upload.finish', { uploadId })
    expect(chosen).toEqual({ handle: uploadId, name: 'people.csv', bytes: content.length })
    const copy = join(h.dataDir, 'imports', 'uploads', uploadId, 'people.csv')
    expect(readFileSync(copy).equals(content)).toBe(true)
    const { runId } = await h.run('imports.start', { file: chosen.handle })
    expect((await h.call('profiles.lookup', { key: 'up1' })).system.Name).toBe('Über Upload')
    // The history names the file as the person chose it, not the upload's storage name.
    const { run } = await h.call('imports.run', { runId })
    expect(run.fileName).toBe('people.csv')
    // The copy of the person's data is gone once the import has ended.
    await expect.poll(() => existsSync(join(h.dataDir, 'imports', 'uploads', uploadId))).toBe(false)
  })
})
