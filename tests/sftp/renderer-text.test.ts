// The renderer's SFTP logic that needs no browser: the source editor's draft (messages before a round trip,
// the request it becomes, secrets sent only when typed, asked for again when the server changes), the run
// wording, and the Sources addresses.
import { describe, expect, it } from 'vitest'
import type { SftpRunInfo, SftpSourceView } from '../../shared/ipc/channels/sftp'
import { hrefFor, parseRoute } from '../../renderer/src/lib/routing/routes'
import {
  draftFrom,
  emptyDraft,
  fieldsOf,
  needsSecret,
  secretsOf,
  validateDraft,
} from '../../renderer/src/lib/sftp/source-draft'
import { runCountsText } from '../../renderer/src/lib/sftp/sftp-text'

const saved: SftpSourceView = {
  id: 7,
  name: 'Nightly',
  host: 'files.example.com',
  port: 22,
  username: 'acme',
  auth: 'password',
  hostKey: 'SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s',
  folder: '/in',
  pattern: '*.csv',
  completion: 'stable',
  kind: 'profiles',
  mappingName: null,
  after: 'move',
  schedule: { kind: 'weekly', day: 'fri', time: '23:30' },
  stored: { password: true, privateKey: false, passphrase: false },
  hostKeyType: 'ssh-ed25519',
  scheduleText: 'Weekly on Friday at 23:30',
  scheduleCli: 'weekly fri 23:30',
  nextRunAt: null,
  lastRun: null,
  running: null,
  createdAt: 0,
  updatedAt: 0,
}

describe('the source editor’s draft', () => {
  it('names every missing or malformed field', () => {
    const draft = {
      ...emptyDraft(),
      host: 'me@files',
      port: '70000',
      folder: '',
      pattern: 'in/*.csv',
      time: '24:00',
    }
    expect(validateDraft(draft, null)).toEqual({
      name: 'Give the source a name.',
      host: 'Only the host name or IP address: no spaces, slashes or user@.',
      port: 'A port from 1 to 65535 (SFTP usually uses 22).',
      username: 'Give the user name to log in with.',
      password: 'Give the password.',
      folder: 'Give the folder on the server, e.g. /in.',
      pattern: 'A pattern for file names only; put the path in the folder.',
      time: 'A time as HH:MM on a 24-hour clock, e.g. 02:00.',
    })
  })

  it('keeps a stored password unless it is replaced, and needs a key when the login changes to a key', () => {
    const draft = draftFrom(saved)
    expect(validateDraft(draft, saved)).toEqual({})
    expect(secretsOf(draft, saved)).toEqual({})
    expect(fieldsOf(draft)).toMatchObject({
      port: 22,
      schedule: { kind: 'weekly', day: 'fri', time: '23:30' },
    })
    const replacing = { ...draft, replacingSecret: true, password: 'new-one' }
    expect(secretsOf(replacing, saved)).toEqual({ password: 'new-one' })
    const toKey = { ...draft, auth: 'key' as const }
    expect(validateDraft(toKey, saved).privateKey).toBe('Paste the private key, or choose its file.')
    expect(secretsOf({ ...toKey, privateKey: '-----BEGIN…' }, saved)).toEqual({
      privateKey: '-----BEGIN…',
      passphrase: null,
    })
  })

  it('asks for the secret again when the server, port, user name or host key changes', () => {
    const draft = draftFrom(saved)
    const again = 'Give the password again.'
    for (const change of [
      { host: 'files.example.net' },
      { port: '2222' },
      { username: 'someone-else' },
      { hostKey: 'SHA256:AAAAztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s' },
    ]) {
      const moved = { ...draft, ...change }
      expect(needsSecret(moved, saved)).toBe(true)
      expect(validateDraft(moved, saved).password).toBe(again)
      expect(secretsOf({ ...moved, password: 'typed-again' }, saved)).toEqual({ password: 'typed-again' })
    }
    // The same server written differently, or another folder, keeps the stored password.
    for (const same of [{ host: ' files.example.com ' }, { port: '022' }, { folder: '/elsewhere' }]) {
      expect(needsSecret({ ...draft, ...same }, saved)).toBe(false)
      expect(secretsOf({ ...draft, ...same }, saved)).toEqual({})
    }
    const keyDraft = draftFrom({
      ...saved,
      auth: 'key',
      stored: { password: false, privateKey: true, passphrase: true },
    })
    expect(
      validateDraft(
        { ...keyDraft, port: '2222' },
        { ...saved, auth: 'key', stored: { password: false, privateKey: true, passphrase: true } },
      ).privateKey,
    ).toBe('Paste the private key again, or choose its file.')
  })

  it('writes times with two-digit hours and every-N-hours as a number', () => {
    expect(fieldsOf({ ...emptyDraft(), scheduleKind: 'daily', time: '2:05' }).schedule).toEqual({
      kind: 'daily',
      time: '02:05',
    })
    expect(fieldsOf({ ...emptyDraft(), scheduleKind: 'every', everyHours: '12' }).schedule).toEqual({
      kind: 'every',
      hours: 12,
    })
    expect(validateDraft({ ...emptyDraft(), scheduleKind: 'every', everyHours: '0' }, null).everyHours).toBe(
      'From 1 to 168 hours.',
    )
  })
})

describe('run wording', () => {
  const run = (over: Partial<SftpRunInfo>): SftpRunInfo => ({
    id: 1,
    sourceId: 7,
    sourceName: 'Nightly',
    trigger: 'schedule',
    status: 'succeeded',
    startedAt: 0,
    finishedAt: 1,
    found: 0,
    imported: 0,
    skipped: 0,
    failed: 0,
    waiting: [],
    error: null,
    files: [],
    ...over,
  })

  it('says what a run took and what it left', () => {
    expect(runCountsText(run({ found: 3, imported: 1, skipped: 1, failed: 1, waiting: ['late.csv'] }))).toBe(
      '3 files: 1 imported, 1 already imported, 1 failed · 1 not complete yet',
    )
    expect(runCountsText(run({}))).toBe('No matching files')
    expect(runCountsText(run({ status: 'failed', error: 'refused' }))).toBe('No files taken')
  })
})

describe('addresses', () => {
  it('reads and writes the Sources routes', () => {
    expect(parseRoute('#/sources')).toEqual({ view: 'sources' })
    expect(parseRoute('#/sources/new')).toEqual({ view: 'source', id: null })
    expect(parseRoute('#/sources/12')).toEqual({ view: 'source', id: 12 })
    expect(parseRoute('#/sources/12/history')).toEqual({ view: 'source-history', id: 12 })
    expect(parseRoute('#/sources/abc')).toEqual({ view: 'not-found', path: '/sources/abc' })
    expect(hrefFor({ view: 'source-history', id: 12 })).toBe('#/sources/12/history')
    expect(hrefFor({ view: 'source', id: null })).toBe('#/sources/new')
  })
})
