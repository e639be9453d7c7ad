// Dates on the wire: "$D_<epoch seconds>" is padded to 9 digits, so an epoch of 8 digits or fewer
// (1966-10 to 1973-03, and instants near 1970) is never read back as $D_YYYYMMDD. Every date of birth
// from 1900 to 2025 survives encode → parse; a 1970 DOB goes through the sandbox and back unchanged.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { toWireValue } from '../../electron/backend/core/profiles/outbox'
import { validateSystemProperty } from '../../shared/profile/catalogue'
import { parseDateValue } from '../../shared/profile/validators-dates'
import {
  expectServerMatches,
  startTwoApps,
  type App,
  type Sandbox,
  type TwoApps,
} from '../../test-support/sync-harness'

const DAY = 86_400

describe('a date on the wire', () => {
  it('reads back as the same date for every date of birth from 1900 to 2025', () => {
    const first = Date.UTC(1900, 0, 1) / 1000
    const last = Date.UTC(2025, 11, 31) / 1000
    const wrong: string[] = []
    let shortEpochs = 0
    let negatives = 0
    for (let seconds = first; seconds <= last; seconds += DAY) {
      const wire = toWireValue('date', seconds)
      if (typeof wire !== 'string') throw new Error(`a date became ${JSON.stringify(wire)}`)
      if (Math.abs(seconds) < 100_000_000) shortEpochs += 1
      if (seconds < 0) negatives += 1
      // The shared reader (the app's validator) and the sandbox's DOB check (the same catalogue).
      const checked = validateSystemProperty('DOB', wire)
      if (parseDateValue(wire) !== seconds || !checked.ok || checked.value !== seconds)
        wrong.push(`${new Date(seconds * 1000).toISOString().slice(0, 10)} → ${wire}`)
    }
    expect(wrong.slice(0, 5)).toEqual([])
    // 1966-10 to 1973-03 (the 8-digit epochs) and every date before 1970 were among them.
    expect(shortEpochs).toBe(2315)
    expect(negatives).toBe(25_567)
  })

  it('pads short epochs, keeping the sign, and reads instants near 1970', () => {
    expect(toWireValue('date', Date.UTC(1972, 8, 27) / 1000)).toBe('$D_086400000')
    expect(toWireValue('date', Date.UTC(1967, 3, 7) / 1000)).toBe('$D_-086400000')
    for (const seconds of [0, 1, 3600, 86_400, -1, -3600, 99_999_999, -99_999_999, 1_700_000_000]) {
      expect(parseDateValue(toWireValue('date', seconds))).toBe(seconds)
    }
    expect(toWireValue('date', 1_700_000_000)).toBe('$D_1700000000')
  })
})

describe('dates of birth around 1970 through the sandbox', () => {
  let two: TwoApps
  let sandbox: Sandbox
  let a: App
  let b: App
  const births = ['1970-01-02', '1968-06-15', '1972-09-27', '1966-10-01', '1973-03-03', '1955-05-05']

  beforeAll(async () => {
    two = await startTwoApps()
    ;({ sandbox, a, b } = two)
  })

  afterAll(() => two.stop())

  it('are accepted by the server and come back to another app as the same dates', async () => {
    for (const [i, dob] of births.entries()) {
      await a.call('profiles.create', {
        identifiers: [{ kind: 'identity', value: `born-${i}` }],
        changes: [
          { op: 'set', key: 'DOB', value: dob },
          // A custom date an hour before 1970: a negative epoch of 4 digits.
          { op: 'set', key: 'Joined', value: -3600, type: 'date' },
        ],
      })
    }
    const pushed = await a.run('sync.push')
    expect(pushed.summary).toMatchObject({ status: 'succeeded', rejected: 0 })
    const remote = await sandbox.profiles()
    expect(remote.find((r) => r.identity === 'born-0')?.profileData).toMatchObject({
      DOB: '$D_000086400',
      Joined: '$D_-000003600',
    })
    await expectServerMatches(a, sandbox)

    expect((await b.run('sync.pull')).summary).toMatchObject({ created: births.length, rejected: 0 })
    const pulled = await b.call('profiles.list', { sort: 'created', limit: 50 })
    const dobs = []
    for (const item of pulled.items) {
      const detail = await b.call('profiles.get', { id: item.id })
      dobs.push(new Date(Number(detail.system.DOB) * 1000).toISOString().slice(0, 10))
      expect(detail.custom.find((c) => c.key === 'Joined')).toMatchObject({ type: 'date', value: -3600 })
    }
    expect(dobs.sort()).toEqual([...births].sort())
    await expectServerMatches(b, sandbox)
  })
})
