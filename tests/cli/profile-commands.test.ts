// The profile commands as a script would use them: the event timeline after both login scenarios recorded
// with `event record`, lookups by every identifier with an ambiguous phone listed, delete with its honest
// words, control-group exclusions, the identity set, and restricted event names refused.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { REMOTE_DELETE_NOTICE } from '../../shared/profile/remote-notices'
import { RESTRICTED_EVENT_NAMES, RESTRICTED_EVENT_TEXT } from '../../shared/profile/restricted-events'
import { runCli } from '../../test-support/cli'

// Each test runs the command several times as a child process (through tsx): minutes on a busy machine.
vi.setConfig({ testTimeout: 300_000 })

let root: string
let dataDir: string

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'profile-desk-cli-profile-'))
  dataDir = join(root, 'data')
})

afterAll(() => {
  rmSync(root, { recursive: true, force: true })
})

const cli = (...args: string[]) => runCli([...args, '--data-dir', dataDir])
const record = (device: string, name: string, ts: number, identity?: string) =>
  cli(
    'event',
    'record',
    '--device',
    device,
    '--name',
    name,
    '--ts',
    String(ts),
    ...(identity ? ['--identity', identity] : []),
    '--json',
  )

interface TimelinePage {
  profileId: string
  total: number
  offset: number
  limit: number
  items: { name: string; anonymous: boolean; profileId: string }[]
}

describe('profile events: the timeline from the shell', () => {
  it('scenario 1: the anonymous events of the device that became the user are its own, counted', async () => {
    expect((await record('dev-s1', 'Product Viewed', 1_700_000_000)).code).toBe(0)
    const login = JSON.parse((await record('dev-s1', 'Charged', 1_700_000_100, 'scenario-one')).stdout)
    expect(login.login).toBe('became')
    const run = await cli('profile', 'events', 'scenario-one', '--json')
    expect(run.code).toBe(0)
    const page = JSON.parse(run.stdout) as TimelinePage
    expect(page).toMatchObject({ profileId: 'dev-s1', total: 2, offset: 0, limit: 50 })
    expect(page.items.map((e) => [e.name, e.anonymous])).toEqual([
      ['Charged', false],
      ['Product Viewed', false],
    ])
  })

  it('scenario 2: the other device’s anonymous event is listed, flagged greyed, newest first and paged', async () => {
    expect((await record('dev-k', 'App Opened', 1_700_000_000, 'scenario-two')).code).toBe(0)
    expect((await record('dev-q', 'Product Viewed', 1_700_000_200)).code).toBe(0)
    const login = JSON.parse((await record('dev-q', 'Charged', 1_700_000_300, 'scenario-two')).stdout)
    expect(login.login).toBe('switched')

    const page = JSON.parse((await cli('profile', 'events', 'scenario-two', '--json')).stdout) as TimelinePage
    expect(page.items.map((e) => [e.name, e.anonymous, e.profileId])).toEqual([
      ['Charged', false, 'dev-k'],
      ['Product Viewed', true, 'dev-q'],
      ['App Opened', false, 'dev-k'],
    ])

    const text = await cli('profile', 'events', 'dev-k')
    expect(text.stdout).toContain('Events of profile dev-k, newest first (1–3 of 3):')
    const greyed = text.stdout.split('\n').find((line) => line.includes('Product Viewed'))
    expect(greyed).toContain('greyed: done in anonymous mode on dev-q, not counted')
    expect(text.stdout.split('\n').find((line) => line.includes('Charged'))).not.toContain('greyed')

    const second = await cli('profile', 'events', 'scenario-two', '--offset', '1', '--limit', '1')
    expect(second.stdout).toContain('newest first (2–2 of 3)')
    expect(second.stdout).toContain('Product Viewed')
    expect(second.stdout).toContain('More: --offset 2')
  })
})

describe('lookups by every identifier', () => {
  it('finds a profile by its phone; a phone two profiles share lists both and exits 1', async () => {
    // Two profiles with one phone (a Duplicate Platform ID).
    const file = join(root, 'phones.csv')
    writeFileSync(
      file,
      'identity,Name,Phone\nphone-a,Ann Phone,+14155550100\nphone-b,Bob Phone,+14155550100\n',
    )
    expect((await cli('import', file)).code).toBe(0)

    const one = await cli('profile', 'show', 'identity:phone-a', '--json')
    expect(JSON.parse(one.stdout).system.Phone).toBe('+14155550100')

    const both = await cli('profile', 'show', '+14155550100')
    expect(both.code).toBe(1)
    expect(both.stdout).toContain('"+14155550100" matches 2 profiles:')
    expect(both.stdout).toMatch(/Ann Phone.*Phone\s*$/m)
    expect(both.stdout).toMatch(/Bob Phone.*Phone\s*$/m)
    expect(both.stderr).toBe('error: "+14155550100" matches 2 profiles; nothing was done.\n')

    const asJson = await cli('profile', 'show', '14155550100', '--json')
    expect(asJson.code).toBe(1)
    const reply = JSON.parse(asJson.stdout)
    expect(reply.error.code).toBe('conflict')
    expect(reply.total).toBe(2)
    expect(reply.candidates.map((c: { name: string }) => c.name)).toEqual(['Ann Phone', 'Bob Phone'])

    const events = await cli('profile', 'events', '+14155550100')
    expect(events.code).toBe(1)
  })
})

describe('profile delete says what happens remotely', () => {
  it('without --yes deletes nothing; with it, says the remote deletion follows at the next sync', async () => {
    expect((await record('dev-del', 'App Opened', 1_700_000_000, 'to-delete')).code).toBe(0)
    const refused = await cli('profile', 'delete', 'to-delete')
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain('nothing was deleted')
    expect(refused.stderr).toContain('Run again with --yes')
    expect((await cli('profile', 'show', 'to-delete')).code).toBe(0)

    const deleted = await cli('profile', 'delete', 'to-delete', '--yes')
    expect(deleted.code).toBe(0)
    expect(deleted.stdout).toBe(
      `Deleted dev-del from this computer. ${REMOTE_DELETE_NOTICE} No remote is set up yet: the deletion waits in the outbox until one is (Settings, or sync push).\n`,
    )
    expect(deleted.stdout).toContain('about 48 hours')
    expect((await cli('profile', 'show', 'to-delete')).code).toBe(1)
  })
})

describe('control-groups', () => {
  it('exclude, list and include again; the words say it is kept in Profile Desk only', async () => {
    const excluded = await cli('control-groups', 'exclude', 'scenario-two')
    expect(excluded.code).toBe(0)
    expect(excluded.stdout).toContain(
      'Profile dev-k is now excluded from control groups (1 of 20 exclusions used).',
    )
    expect(excluded.stdout).toContain('Kept in Profile Desk only')
    expect(excluded.stdout).not.toMatch(/always receives/i)

    const again = await cli('control-groups', 'exclude', 'dev-k')
    expect(again.code).toBe(1)
    expect(again.stderr).toContain('already excluded')

    const list = JSON.parse((await cli('control-groups', 'list', '--json')).stdout)
    expect(list).toMatchObject({ limit: 20, sentToRemote: false })
    expect(list.holders.map((h: { id: string }) => h.id)).toEqual(['dev-k'])
    const table = await cli('control-groups', 'list')
    expect(table.stdout).toContain('1 of 20 profiles are excluded from all control groups:')

    expect((await cli('control-groups', 'include', 'dev-k')).code).toBe(0)
    expect((await cli('control-groups', 'list')).stdout).toMatch(
      /^No profile is excluded from control groups/,
    )
  })
})

describe('settings identity-set', () => {
  it('shows the default, saves a new set (any case), refuses one without Identity (exit 2)', async () => {
    const shown = JSON.parse((await cli('settings', 'identity-set', '--json')).stdout)
    expect(shown).toEqual({ keys: ['Identity', 'Email'], defaults: ['Identity', 'Email'] })
    const saved = await cli('settings', 'identity-set', 'phone, identity,EMAIL')
    expect(saved.code).toBe(0)
    expect(saved.stdout).toMatch(/^Identity set: Identity, then Email, then Phone \(saved\)\./)
    const bad = await cli('settings', 'identity-set', 'Email')
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('must include Identity')
    expect(JSON.parse((await cli('settings', 'identity-set', '--json')).stdout).keys).toEqual([
      'Identity',
      'Email',
      'Phone',
    ])
  })
})

describe('restricted event names', () => {
  it('event record refuses one with the 513 text (exit 2); its help uses an allowed example', async () => {
    const run = await cli('event', 'record', '--device', 'dev-r', '--name', 'App Launched')
    expect(run.code).toBe(2)
    expect(run.stderr.startsWith(`error: ${RESTRICTED_EVENT_TEXT}`)).toBe(true)
    const help = await runCli(['event', 'record', '--help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toContain('--name <event>')
    for (const name of RESTRICTED_EVENT_NAMES) expect(help.stdout).not.toContain(name)
  })
})
