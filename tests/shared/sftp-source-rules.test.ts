// The SFTP source rules have one home (shared/sftp): the source editor's draft and the backend's boundary
// refuse the same values in the same words, and the rules themselves say what to do.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { contract } from '../../shared/ipc/contract'
import type { SftpSourceView, SourceFields } from '../../shared/ipc/channels/sftp'
import { checkPattern, globToRegExp } from '../../shared/sftp/file-pattern'
import { checkClockTime, checkEveryHours, clockTimeOf } from '../../shared/sftp/schedule'
import {
  checkFolder,
  checkHost,
  checkPort,
  checkSourceName,
  checkUsername,
  destinationChanges,
  missingSecretMessage,
} from '../../shared/sftp/source-rules'
import {
  emptyDraft,
  validateDraft,
  type DraftField,
  type SourceDraft,
} from '../../renderer/src/lib/sftp/source-draft'
import { openHarness, type Harness } from '../../test-support/store-harness'

const VALID: SourceFields = {
  name: 'Nightly',
  host: 'files.example.com',
  port: 22,
  username: 'acme',
  auth: 'password',
  folder: '/in',
  pattern: '*.csv',
  schedule: { kind: 'daily', time: '02:00' },
}

const VALID_DRAFT: SourceDraft = {
  ...emptyDraft(),
  name: 'Nightly',
  host: 'files.example.com',
  username: 'acme',
  password: 'secret',
  folder: '/in',
}

/** One bad value per field, as the draft holds it (text) and as a request carries it. */
const CASES: {
  field: DraftField
  draft: Partial<SourceDraft>
  source: Partial<SourceFields>
}[] = [
  { field: 'name', draft: { name: '  ' }, source: { name: '  ' } },
  { field: 'name', draft: { name: 'n'.repeat(121) }, source: { name: 'n'.repeat(121) } },
  { field: 'host', draft: { host: 'me@files' }, source: { host: 'me@files' } },
  { field: 'host', draft: { host: '' }, source: { host: '' } },
  { field: 'port', draft: { port: '70000' }, source: { port: 70000 } },
  { field: 'port', draft: { port: '0' }, source: { port: 0 } },
  { field: 'username', draft: { username: ' ' }, source: { username: ' ' } },
  { field: 'folder', draft: { folder: '' }, source: { folder: '' } },
  { field: 'pattern', draft: { pattern: 'in/*.csv' }, source: { pattern: 'in/*.csv' } },
  { field: 'pattern', draft: { pattern: ' ' }, source: { pattern: ' ' } },
]

/** The path zod reports for a field of the source (the schedule's parts sit deeper). */
function issueOf(source: Partial<SourceFields>): { path: string; message: string } | undefined {
  const parsed = contract['sftp.sources.save'].req.safeParse({ source: { ...VALID, ...source } })
  if (parsed.success) return undefined
  const issue = parsed.error.issues[0]
  return issue && { path: issue.path.join('.'), message: issue.message }
}

describe('the source rules', () => {
  it('say what to do for each field', () => {
    expect(checkSourceName('')).toBe('Give the source a name.')
    expect(checkSourceName('x'.repeat(121))).toBe('A name of at most 120 characters.')
    expect(checkHost('files.example.com')).toBeNull()
    expect(checkHost('sftp://files')).toBe('Only the host name or IP address: no spaces, slashes or user@.')
    expect(checkPort(22)).toBeNull()
    expect(checkPort(2.5)).toBe('A port from 1 to 65535 (SFTP usually uses 22).')
    expect(checkUsername('')).toBe('Give the user name to log in with.')
    expect(checkFolder('f'.repeat(1025))).toBe('A folder of at most 1,024 characters.')
    expect(checkPattern('*.csv')).toBeNull()
    expect(checkPattern('[z-a].csv')).toBe('"[z-a].csv" is not a usable file pattern.')
    expect(checkEveryHours(168)).toBeNull()
    expect(checkEveryHours(169)).toBe('From 1 to 168 hours.')
    expect(missingSecretMessage('key', true)).toBe('Paste the private key again, or choose its file.')
  })

  it('read times as a person writes them and store them as HH:MM', () => {
    expect(clockTimeOf(' 2:05 ')).toBe('02:05')
    expect(clockTimeOf('24:00')).toBeNull()
    expect(clockTimeOf('2')).toBeNull()
    expect(checkClockTime('02:05')).toBeNull()
    // The stored form has two-digit hours: a request carries what the editor stored.
    expect(checkClockTime('2:05')).toBe('A time as HH:MM on a 24-hour clock, e.g. 02:00.')
  })

  it('match file names by pattern, ignoring case', () => {
    expect(globToRegExp('export-??.csv').test('EXPORT-01.CSV')).toBe(true)
    expect(globToRegExp('[!a]*.csv').test('apple.csv')).toBe(false)
  })

  it('name what changed about where a stored secret would go', () => {
    const saved = { host: 'a', port: 22, username: 'u', hostKey: null }
    expect(destinationChanges(saved, { ...saved })).toEqual([])
    expect(destinationChanges(saved, { ...saved, port: 2222, hostKey: 'SHA256:x' })).toEqual([
      'the port',
      'the trusted host key',
    ])
  })
})

describe('one wording for the editor and the backend', () => {
  it('refuses each bad field at the boundary with the message the editor shows', () => {
    expect(issueOf({})).toBeUndefined()
    expect(validateDraft(VALID_DRAFT, null)).toEqual({})
    for (const { field, draft, source } of CASES) {
      const shown = validateDraft({ ...VALID_DRAFT, ...draft }, null)[field]
      expect(shown, field).toBeDefined()
      expect(issueOf(source), field).toEqual({ path: `source.${field}`, message: shown })
    }
  })

  it('refuses a schedule the editor refuses, in the editor’s words', () => {
    const every = validateDraft({ ...VALID_DRAFT, scheduleKind: 'every', everyHours: '200' }, null)
    expect(issueOf({ schedule: { kind: 'every', hours: 200 } })).toEqual({
      path: 'source.schedule.hours',
      message: every.everyHours,
    })
    const time = validateDraft({ ...VALID_DRAFT, time: '25:00' }, null)
    expect(issueOf({ schedule: { kind: 'daily', time: '25:00' } })).toEqual({
      path: 'source.schedule.time',
      message: time.time,
    })
  })

  describe('through the backend', () => {
    let h: Harness
    beforeAll(() => {
      h = openHarness()
    })
    afterAll(async () => {
      await h.close()
    })

    it('says the editor’s sentence once, with one full stop', async () => {
      const error = await h.fail('sftp.sources.save', { source: { ...VALID, host: 'me@files' } })
      expect(error.code).toBe('validation')
      expect(error.message).toBe(
        'Invalid request for sftp.sources.save: source.host: Only the host name or IP address: no spaces, slashes or user@.',
      )
    })

    it('asks for a missing password as the editor does', async () => {
      const error = await h.fail('sftp.sources.save', { source: VALID })
      const saved: SftpSourceView | null = null
      expect(error).toMatchObject({
        code: 'validation',
        message: validateDraft({ ...VALID_DRAFT, password: '' }, saved).password,
        details: { key: 'password' },
      })
    })
  })
})
