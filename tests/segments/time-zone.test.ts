// The account's time zone (Settings, `segments.timeZone` / `segments.timeZone.set`, `profile-desk
// settings time-zone`): this computer's by default, a saved one takes over at once for the next count, a bad one
// is refused by name, and --computer / null goes back to the default.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it, vi } from 'vitest'
import type { SegmentDefinition } from '../../shared/segments/definition'
import { runCli } from '../../test-support/cli'
import { openHarness } from '../../test-support/store-harness'

vi.setConfig({ testTimeout: 120_000 })

const root = mkdtempSync(join(tmpdir(), 'profile-desk-time-zone-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

describe('the account time zone', () => {
  it('decides which calendar day a date condition means, from the next count on', async () => {
    // 23:30 UTC on 14 June 2026 is already 15 June in Berlin (UTC+2).
    const h = openHarness({ start: Date.UTC(2026, 5, 14, 23, 30) })
    try {
      await h.call('profiles.create', { changes: [{ op: 'set', key: 'Name', value: 'Late' }] })
      const onThe15th: SegmentDefinition = {
        version: 1,
        join: 'and',
        conditions: [{ type: 'property', property: { kind: 'created' }, op: 'eq', value: '2026-06-15' }],
      }
      const count = async (seq: number) => {
        const reply = await h.call('segments.count', { seq, definition: onThe15th, perItem: false })
        return reply.status === 'counted' ? reply.total : null
      }
      expect(await h.call('segments.timeZone.set', { zone: 'UTC' })).toMatchObject({
        zone: 'UTC',
        saved: 'UTC',
      })
      expect(await count(1)).toBe(0)
      const berlin = await h.call('segments.timeZone.set', { zone: 'Europe/Berlin' })
      expect(berlin).toMatchObject({ zone: 'Europe/Berlin', saved: 'Europe/Berlin' })
      expect(await count(2)).toBe(1)
      const refused = await h.fail('segments.timeZone.set', { zone: 'Mars/Olympus' })
      expect(refused.code).toBe('validation')
      expect(refused.message).toContain('"Mars/Olympus" is not a time zone')
      expect((await h.call('segments.timeZone', {})).saved).toBe('Europe/Berlin')
      const reset = await h.call('segments.timeZone.set', { zone: null })
      expect(reset.saved).toBeNull()
      expect(reset.zone).toBe(reset.computer)
    } finally {
      await h.close()
    }
  })

  it('is shown and set from the command line, with exit 2 for a zone that is not one', async () => {
    const dataDir = join(root, 'data')
    const cli = (...args: string[]) => runCli([...args, '--data-dir', dataDir], { TZ: 'Asia/Tokyo' })
    const shown = await cli('settings', 'time-zone', '--json')
    expect(shown.code).toBe(0)
    expect(JSON.parse(shown.stdout)).toEqual({ zone: 'Asia/Tokyo', saved: null, computer: 'Asia/Tokyo' })
    const set = await cli('settings', 'time-zone', 'GMT+0530')
    expect(set.code).toBe(0)
    expect(set.stdout).toBe("Account time zone: GMT+0530 (saved; this computer's is Asia/Tokyo).\n")
    const bad = await cli('settings', 'time-zone', 'Nowhere/Else')
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('"Nowhere/Else" is not a time zone')
    expect(JSON.parse((await cli('settings', 'time-zone', '--json')).stdout).saved).toBe('GMT+0530')
    const both = await cli('settings', 'time-zone', 'UTC', '--computer')
    expect(both.code).toBe(2)
    const back = await cli('settings', 'time-zone', '--computer', '--json')
    expect(back.code).toBe(0)
    expect(JSON.parse(back.stdout)).toEqual({ zone: 'Asia/Tokyo', saved: null, computer: 'Asia/Tokyo' })
  })
})
