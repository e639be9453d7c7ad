// What the sync screens say: the header indicator for each status, how remote values and queued changes
// read, the summary after Sync now, relative times, and the checks on the remote settings form.
import { describe, expect, it } from 'vitest'
import { syncChannels, type SyncSettingsView, type SyncStatus } from '../../shared/ipc/channels/sync'
import { MAX_BATCH_SIZE, regionEndpoint, REGIONS } from '../../shared/sync/remote-constants'
import { formatRelative } from '../../renderer/src/lib/format/relative-time'
import {
  draftFrom,
  EMPTY_SETTINGS,
  namesAnotherRemote,
  REGION_NAMES,
  remoteOf,
  validateDraft,
  type SettingsDraft,
} from '../../renderer/src/lib/sync/remote-settings'
import {
  changeText,
  describeSyncSummary,
  indicatorOf,
  isoOfInstant,
  runCountsText,
  wireValueText,
} from '../../renderer/src/lib/sync/sync-text'

function status(patch: Partial<SyncStatus>): SyncStatus {
  return {
    configured: true,
    connection: 'online',
    activity: 'idle',
    state: 'up-to-date',
    headline: '',
    pending: 0,
    held: 0,
    errors: 0,
    conflicts: 0,
    lastSyncAt: null,
    lastPushAt: null,
    lastPullAt: null,
    lastError: null,
    nextAttemptAt: null,
    ...patch,
  }
}

describe('the header indicator', () => {
  it('says what state sync is in, with what is waiting', () => {
    expect(indicatorOf(status({ state: 'up-to-date' }))).toEqual({
      label: 'Up to date',
      tone: 'ok',
      target: 'sync',
    })
    expect(indicatorOf(status({ state: 'waiting', pending: 1 })).label).toBe('1 change waiting')
    expect(indicatorOf(status({ state: 'waiting', pending: 1234 })).label).toBe('1,234 changes waiting')
    expect(indicatorOf(status({ state: 'offline', connection: 'offline', pending: 1 })).label).toBe(
      'Offline · 1 change waiting',
    )
    expect(indicatorOf(status({ state: 'syncing', activity: 'pushing', pending: 3 })).label).toBe(
      'Syncing… · 3 changes waiting',
    )
    expect(indicatorOf(status({ state: 'syncing', activity: 'pulling' })).label).toBe('Downloading…')
    expect(indicatorOf(status({ state: 'error', pending: 2 })).label).toBe('Sync failed · 2 changes waiting')
  })

  it('asks for credentials when they were refused, and for setup when there is no remote', () => {
    const refused = indicatorOf(status({ state: 'unauthorized', connection: 'unauthorized', pending: 2 }))
    expect(refused.label).toBe('Sign-in needed · 2 changes waiting')
    expect(refused.tone).toBe('problem')
    expect(indicatorOf(status({ state: 'not-configured', configured: false }))).toEqual({
      label: 'Sync not set up',
      tone: 'off',
      target: 'settings',
    })
  })

  it('shows conflicts and refused changes even when nothing else is waiting', () => {
    const shown = indicatorOf(status({ state: 'up-to-date', conflicts: 1, errors: 2 }))
    expect(shown.label).toBe('Up to date · 1 conflict · 2 errors')
    expect(shown.tone).toBe('problem')
  })
})

describe('values and changes as people read them', () => {
  it('reads upload-API dates, booleans, lists and absent values', () => {
    expect(wireValueText('$D_1700000000')).toMatch(/2023/)
    expect(wireValueText(true)).toBe('Yes')
    expect(wireValueText(false)).toBe('No')
    expect(wireValueText(['gold', 'silver'])).toBe('gold, silver')
    expect(wireValueText(null)).toBe('Not set')
    expect(wireValueText('')).toBe('Empty text')
    expect(wireValueText('Ada')).toBe('Ada')
  })

  it('names the fields of a queued change with their form labels', () => {
    expect(changeText({ kind: 'profile', fields: ['DOB', 'Email'] })).toBe('Date of birth, Email')
    expect(changeText({ kind: 'event', fields: ['Charged'] })).toBe('Event: Charged')
    expect(changeText({ kind: 'delete', fields: [] })).toBe('Delete the profile')
  })

  it('reads every sync time as epoch milliseconds, early ones included', () => {
    expect(isoOfInstant(1_700_000_000_123)).toBe('2023-11-14T22:13:20.123Z')
    // A queued change's time is epoch ms too: a small value is an early instant, never seconds.
    expect(isoOfInstant(86_400_000)).toBe('1970-01-02T00:00:00.000Z')
  })

  it('reads padded and negative $D_ dates as the calendar days they encode', () => {
    const day = (ms: number) =>
      new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' }).format(ms)
    // 1972-09-27 and 1967-04-07: 8-digit epochs, padded so they are not read as YYYYMMDD.
    expect(wireValueText('$D_086400000')).toBe(day(Date.UTC(1972, 8, 27)))
    expect(wireValueText('$D_-086400000')).toBe(day(Date.UTC(1967, 3, 7)))
    expect(wireValueText('$D_19920522')).toBe(day(Date.UTC(1992, 4, 22)))
  })

  it('sums up a run and a Sync now job', () => {
    expect(runCountsText({ kind: 'push', records: 3, rejected: 1, conflicts: 1 })).toBe(
      '3 sent · 1 refused · 1 conflict',
    )
    expect(runCountsText({ kind: 'pull', records: 50, rejected: 0, conflicts: 0 })).toBe('50 downloaded')
    expect(
      describeSyncSummary({
        pull: { kind: 'pull', records: 50, rejected: 0, conflicts: 1 },
        push: { kind: 'push', records: 3, rejected: 1, conflicts: 0 },
      }),
    ).toBe('Downloaded 50 profiles; 1 conflict to resolve. Sent 3 changes; 1 refused by the remote.')
    expect(describeSyncSummary({ kind: 'pull', records: 1, rejected: 0, conflicts: 0 })).toBe(
      'Downloaded 1 profile.',
    )
  })

  it('says how long ago something happened', () => {
    const now = Date.UTC(2026, 0, 10, 12, 0, 0)
    expect(formatRelative(now - 10_000, now)).toBe('just now')
    expect(formatRelative(now - 5 * 60_000, now)).toMatch(/5 minutes ago/)
    expect(formatRelative(now - 3 * 3_600_000, now)).toMatch(/3 hours ago/)
    expect(formatRelative(now + 2 * 60_000, now)).toMatch(/in 2 minutes/)
  })
})

describe('the remote settings form', () => {
  const saved: SyncSettingsView = {
    ...EMPTY_SETTINGS,
    remote: { kind: 'url', baseUrl: 'http://127.0.0.1:8080/1' },
    endpoint: 'http://127.0.0.1:8080/1',
    accountId: 'ACC-1',
    passcodeStored: true,
    configured: true,
  }

  it('asks for every missing part of a new remote, never for a stored passcode', () => {
    const empty = draftFrom(EMPTY_SETTINGS)
    expect(Object.keys(validateDraft(empty, false)).sort()).toEqual(['accountId', 'passcode', 'remote'])
    expect(validateDraft(draftFrom(saved), true)).toEqual({})
    const replacing: SettingsDraft = { ...draftFrom(saved), replacingPasscode: true }
    expect(validateDraft(replacing, true).passcode).toBe('Enter the new passcode, or keep the stored one.')
  })

  it('asks for the passcode of another remote or account: the stored one is not sent there', () => {
    const same: SettingsDraft = { ...draftFrom(saved), baseUrl: 'http://127.0.0.1:8080/' }
    expect(namesAnotherRemote(same, saved)).toBe(false)
    expect(validateDraft(same, true, saved)).toEqual({})
    const message =
      'Enter the passcode for this remote and account: the stored one is only sent to ' +
      'http://127.0.0.1:8080/1 (account ACC-1).'
    for (const draft of [
      { ...draftFrom(saved), baseUrl: 'https://gateway.example.com' },
      { ...draftFrom(saved), remote: 'in1' as const },
      { ...draftFrom(saved), accountId: 'ACC-2' },
    ]) {
      expect(namesAnotherRemote(draft, saved)).toBe(true)
      expect(validateDraft(draft, true, saved).passcode).toBe(message)
      expect(validateDraft({ ...draft, passcode: 'theirs' }, true, saved)).toEqual({})
    }
  })

  it('refuses a base URL that is not http(s) and numbers out of range', () => {
    const draft: SettingsDraft = {
      ...draftFrom(saved),
      baseUrl: 'ftp://files.example.com',
      batchSize: '5000',
      pullIntervalMinutes: 'soon',
    }
    const problems = validateDraft(draft, true)
    expect(problems.baseUrl).toContain('"ftp://files.example.com" is not an http(s) address')
    expect(problems.batchSize).toBe('Enter a whole number from 1 to 1000.')
    expect(problems.pullIntervalMinutes).toContain('Enter whole minutes from 0')
  })

  it('offers exactly the regions and batch sizes the contract accepts', () => {
    const request = syncChannels['sync.settings.set'].req
    expect(Object.keys(REGION_NAMES).sort()).toEqual([...REGIONS].sort())
    for (const region of REGIONS) {
      const draft: SettingsDraft = { ...draftFrom(saved), remote: region }
      expect(validateDraft(draft, true)).toEqual({})
      expect(request.safeParse({ remote: remoteOf(draft) }).success).toBe(true)
      expect(regionEndpoint(region)).toMatch(/^https:\/\/([a-z0-9]+\.)?api\.clevertap\.com\/1$/)
    }
    expect(request.safeParse({ remote: { kind: 'region', region: 'xx9' } }).success).toBe(false)
    const batch = (n: number) => validateDraft({ ...draftFrom(saved), batchSize: String(n) }, true).batchSize
    expect(batch(MAX_BATCH_SIZE)).toBeUndefined()
    expect(request.safeParse({ batchSize: MAX_BATCH_SIZE }).success).toBe(true)
    expect(batch(MAX_BATCH_SIZE + 1)).toBe(`Enter a whole number from 1 to ${MAX_BATCH_SIZE}.`)
    expect(request.safeParse({ batchSize: MAX_BATCH_SIZE + 1 }).success).toBe(false)
  })

  it('turns the choice into the remote the backend expects', () => {
    expect(remoteOf({ ...draftFrom(EMPTY_SETTINGS), remote: 'in1' })).toEqual({
      kind: 'region',
      region: 'in1',
    })
    expect(remoteOf({ ...draftFrom(saved), baseUrl: ' http://127.0.0.1:9/ ' })).toEqual({
      kind: 'url',
      baseUrl: 'http://127.0.0.1:9/',
    })
    expect(remoteOf(draftFrom(EMPTY_SETTINGS))).toBeNull()
  })
})
