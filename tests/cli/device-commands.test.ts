// The devices commands as a script uses them: token set/remove, reachability KEY, duplicates and
// duplicates resolve --keep latest, overview; --json shapes and exit codes (0 ok, 1 nothing, 2 bad input).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { runCli } from '../../test-support/cli'

vi.setConfig({ testTimeout: 300_000 })

let root: string
let dataDir: string
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'profile-desk-cli-devices-'))
  dataDir = join(root, 'data')
})
afterAll(() => {
  rmSync(root, { recursive: true, force: true })
})

const cli = (...args: string[]) => runCli([...args, '--data-dir', dataDir])

describe('devices from the shell', () => {
  it('sets tokens, shows reachability, lists and resolves a shared token, prints the overview', async () => {
    for (const [device, identity, ts] of [
      ['dev-a', 'cli-a', '1700000000'],
      ['dev-b', 'cli-b', '1700000500'],
    ] as const) {
      const made = await cli(
        'event',
        'record',
        '--device',
        device,
        '--identity',
        identity,
        '--name',
        'Opened',
        '--ts',
        ts,
        '--json',
      )
      expect(made.code, made.stderr).toBe(0)
    }
    const setA = await cli(
      'token',
      'set',
      'cli-a',
      '--token',
      'shared-fcm',
      '--platform',
      'android',
      '--json',
    )
    expect(setA.code, setA.stderr).toBe(0)
    expect(JSON.parse(setA.stdout)).toMatchObject({ remote: 'queued' })
    expect((await cli('token', 'set', 'cli-b', '--token', 'shared-fcm', '--platform', 'Android')).code).toBe(
      0,
    )
    const bad = await cli('token', 'set', 'cli-b', '--token', 'x', '--platform', '')
    expect(bad.code).toBe(2)

    const reach = await cli('reachability', 'cli-a', '--json')
    expect(reach.code, reach.stderr).toBe(0)
    const view = JSON.parse(reach.stdout) as { channels: { channel: string; code: string }[] }
    expect(view.channels.find((c) => c.channel === 'mobilepush')?.code).toBe('reachable')
    const text = await cli('reachability', 'cli-a')
    expect(text.stdout).toMatch(/Mobile push\s+Reachable/)
    expect(text.stdout).toMatch(/Web push\s+Profile not reachable: no address or token/)
    expect((await cli('reachability', 'nobody-here')).code).toBe(1)

    const dup = await cli('duplicates', '--kind', 'token', '--json')
    expect(dup.code, dup.stderr).toBe(0)
    const page = JSON.parse(dup.stdout) as {
      rule: string
      pages: { groups: { value: string; holders: { receives: boolean }[] }[] }[]
    }
    expect(page.rule).toMatch(/qualifies first/)
    expect(page.pages[0]?.groups.map((g) => [g.value, g.holders.length])).toEqual([['shared-fcm', 2]])
    expect((await cli('duplicates', '--kind', 'bogus')).code).toBe(2)

    const dry = await cli('duplicates', 'resolve', '--keep', 'latest', '--dry-run', '--json')
    expect(JSON.parse(dry.stdout)).toMatchObject({ groups: 1, tokensRemoved: 1, dryRun: true })
    const done = await cli('duplicates', 'resolve', '--keep', 'latest', '--kind', 'token')
    expect(done.code, done.stderr).toBe(0)
    expect(done.stdout).toMatch(
      /Removed 1 token\(s\)[\s\S]*CleverTap has no upload record that removes a push token/,
    )
    expect((await cli('duplicates', 'resolve', '--keep', 'latest')).code).toBe(1)
    expect((await cli('duplicates', '--kind', 'token')).code).toBe(1)

    const overview = await cli('overview', '--json')
    expect(overview.code, overview.stderr).toBe(0)
    const numbers = JSON.parse(overview.stdout) as {
      total: number
      byType: { label: string; count: number }[]
      devicesByPlatform: { label: string; count: number }[]
      reachability: { channel: string; rows: { label: string; count: number }[] }[]
    }
    expect(numbers.total).toBe(2)
    expect(numbers.byType).toEqual([
      { label: 'Identified', count: 2 },
      { label: 'Anonymous', count: 0 },
    ])
    expect(numbers.devicesByPlatform.find((r) => r.label === 'Android')?.count).toBe(2)
    const push = numbers.reachability.find((r) => r.channel === 'mobilepush')?.rows
    expect(push?.[0]).toEqual({ label: 'Reachable', count: 1 })
    const unknown = await cli('overview', '--segment', 'VIPs')
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toMatch(/unknown segment "VIPs"/)

    // The overview of a selection: an expression, then the same saved as a segment.
    type Numbers = typeof numbers & { segment: string | null }
    const of = async (...args: string[]) => {
      const run = await cli('overview', ...args, '--json')
      expect(run.code, run.stderr).toBe(0)
      return JSON.parse(run.stdout) as Numbers
    }
    const reachable = await of('--where', 'reachable.mobilepush = true')
    expect(reachable.segment).toBe('The selection')
    expect(reachable.total).toBe(1)
    expect(reachable.reachability.find((r) => r.channel === 'mobilepush')?.rows[0]?.count).toBe(1)
    expect(reachable.devicesByPlatform.find((r) => r.label === 'Android')?.count).toBe(1)
    const saved = await cli('segment', 'save', 'Push reachable', '--where', 'reachable.mobilepush = true')
    expect(saved.code, saved.stderr).toBe(0)
    const segment = await of('--segment', 'Push reachable')
    expect(segment.segment).toBe('Push reachable')
    expect({ ...segment, segment: null, tookMs: 0 }).toEqual({ ...reachable, segment: null, tookMs: 0 })
    const printed = await cli('overview', '--segment', 'Push reachable')
    expect(printed.stdout).toMatch(/^1 profiles in Push reachable/)
    expect((await of('--where', 'reachable.sms = optedout')).total).toBe(0)
    expect((await cli('overview', '--where', 'reachable.sms = maybe')).code).toBe(2)

    // Find People's reachability filter from the shell: after the resolve only cli-b holds the token.
    const identities = async (...args: string[]) => {
      const run = await cli('search', ...args, '--json')
      expect(run.code, run.stderr).toBe(0)
      return (JSON.parse(run.stdout) as { items: { identity: string }[] }).items.map((p) => p.identity)
    }
    expect(await identities('--reach', 'mobilepush=reachable')).toEqual(['cli-b'])
    expect(await identities('--reach', 'mobilepush')).toEqual(['cli-b'])
    expect(await identities('cli', '--reach', 'mobilepush=missing')).toEqual(['cli-a'])
    expect(await identities('--reach', 'email=not-reachable', '--type', 'Identified')).toHaveLength(2)
    expect(await identities('--reach', 'email=reachable')).toEqual([])
    const none = await cli('search', '--reach', 'webpush=reachable')
    expect(none.stdout.trim()).toBe('No profiles match these filters.')
    const wrong = await cli('search', '--reach', 'pigeon=yes')
    expect(wrong.code).toBe(2)
    expect(wrong.stderr).toMatch(/--reach "pigeon=yes": write CHANNEL=ANSWER with CHANNEL one of email/)
    expect((await cli('search', '--reach', 'sms=maybe')).code).toBe(2)
  })
})
