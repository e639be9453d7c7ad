// `profile-desk segment …` as a script uses it (a child process on a real data folder): counts from
// --where/--did/--any, save/list/show/rename/delete, files out and in, the CSV export, and exit 2 for a
// malformed expression or an unknown property, segment or column, naming it.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { runCli } from '../../test-support/cli'
import { openHarness } from '../../test-support/store-harness'

vi.setConfig({ testTimeout: 300_000 })

let root: string
let dataDir: string
const cli = (...args: string[]) => runCli([...args, '--data-dir', dataDir])

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'profile-desk-cli-segment-'))
  dataDir = join(root, 'data')
  const h = openHarness({ dataDir })
  const people: [string, string, number, string][] = [
    ['Ana', 'gold', 600, '1990-03-01'],
    ['Bea', 'silver', 100, '2001-07-15'],
    ['Cy', 'bronze', 900, '1999-12-31'],
  ]
  for (const [name, plan, ltv, dob] of people) {
    await h.call('profiles.create', {
      changes: [
        { op: 'set', key: 'Name', value: name },
        { op: 'set', key: 'DOB', value: dob },
        { op: 'set', key: 'plan', value: plan, type: 'string' },
        { op: 'set', key: 'lifetime value', value: ltv, type: 'number' },
      ],
      identifiers: [{ kind: 'identity', value: name.toLowerCase() }],
    })
  }
  await h.call('events.record', { deviceId: 'd1', identity: 'ana', name: 'Charged', ts: 1_781_000_000 })
  await h.close()
})

afterAll(() => {
  rmSync(root, { recursive: true, force: true })
})

describe('segment count', () => {
  it('counts --where conditions joined by AND, or by OR with --any, and behaviour with --did', async () => {
    const and = await cli(
      'segment',
      'count',
      '--where',
      'plan in gold|silver',
      '--where',
      'custom:"lifetime value" > 500',
      '--json',
    )
    expect(and.code).toBe(0)
    expect(JSON.parse(and.stdout)).toEqual({ total: 1, profiles: 3 })
    const any = await cli(
      'segment',
      'count',
      '--where',
      'plan = gold',
      '--where',
      'plan = bronze',
      '--any',
      '--json',
    )
    expect(JSON.parse(any.stdout).total).toBe(2)
    const did = await cli('segment', 'count', '--did', '"Charged" >= 1', '--json')
    expect(JSON.parse(did.stdout).total).toBe(1)
    const none = await cli('segment', 'count', '--did', '!Charged', '--where', 'plan = gold', '--json')
    expect(none.code).toBe(0)
    expect(JSON.parse(none.stdout).total).toBe(0)
  })

  it('exits 2 naming a malformed expression, an unknown property, segment or column', async () => {
    const cases: [string[], string][] = [
      [['--where', 'plan ~ gold'], '"~"'],
      [['--where', 'nosuch = 1'], '"nosuch"'],
      [['--where', 'custom:"lifetime value" > lots'], '"lots"'],
      [['--where', 'Age between 30'], 'between LOW and HIGH'],
      [['--segment', 'Nope'], '"Nope"'],
    ]
    for (const [args, named] of cases) {
      const run = await cli('segment', 'count', ...args)
      expect(run.code, args.join(' ')).toBe(2)
      expect(run.stderr).toContain(named)
    }
    const column = await cli('segment', 'export', '--out', join(root, 'x.csv'), '--columns', 'Name,bogus')
    expect(column.code).toBe(2)
    expect(column.stderr).toContain('"bogus"')
  })
})

describe('saved segments and export from the shell', () => {
  it('saves, shows, lists, renames, exports the definition, imports it, exports members and deletes', async () => {
    expect(
      (await cli('segment', 'save', 'Big spenders', '--where', 'custom:"lifetime value" >= 600')).code,
    ).toBe(0)
    const shown = JSON.parse((await cli('segment', 'show', 'big spenders', '--json')).stdout)
    expect(shown).toMatchObject({ name: 'Big spenders', total: 2 })
    expect((await cli('segment', 'rename', 'Big spenders', 'Whales')).code).toBe(0)
    const file = join(root, 'whales.segment.json')
    expect((await cli('segment', 'export-definition', 'Whales', '--out', file)).code).toBe(0)
    expect((await cli('segment', 'import', file, '--as', 'Whales again')).code).toBe(0)
    const list = JSON.parse((await cli('segment', 'list', '--json')).stdout) as { name: string }[]
    expect(list.map((s) => s.name)).toEqual(['Whales', 'Whales again'])
    const out = join(root, 'whales.csv')
    const exported = await cli(
      'segment',
      'export',
      '--segment',
      'Whales again',
      '--out',
      out,
      '--columns',
      'Identity,Name,plan,Age',
      '--json',
    )
    expect(exported.code).toBe(0)
    expect(JSON.parse(exported.stdout)).toMatchObject({ rows: 2 })
    const lines = readFileSync(out, 'utf8').split('\r\n')
    expect(lines[0]).toBe('\uFEFFIdentity,Name,plan,Age')
    expect(lines.slice(1, 3).sort()).toEqual([
      expect.stringMatching(/^ana,Ana,gold,\d+$/),
      expect.stringMatching(/^cy,Cy,bronze,\d+$/),
    ])
    expect((await cli('segment', 'delete', 'Whales')).code).toBe(0)
    const gone = await cli('segment', 'show', 'Whales')
    expect(gone.code).toBe(1)
    expect(gone.stderr).toContain('"Whales"')
  })
})
