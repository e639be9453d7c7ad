// The sandbox's own SQLite database (not the app's schema): profiles keyed by objectId, their
// identifiers, events with per-profile summaries, applied idempotency keys and download queries.

import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import type { ParsedQuery } from './query-types'
import {
  DEVICES_SCHEMA,
  SCHEMA,
  SCHEMA_VERSION,
  toProfile,
  type ProfileRow,
  type QueryRow,
  type StoredDevice,
  type StoredProfile,
  type StoredQuery,
  type WireProps,
  type SandboxTokenState,
  type IdentifierKind,
  type EventSummary,
} from './store-schema'

export type {
  EventSummary,
  IdentifierKind,
  SandboxTokenState,
  StoredDevice,
  StoredProfile,
  StoredQuery,
  WireProps,
  WireValue,
} from './store-schema'

export class SandboxStore {
  readonly db: Database.Database
  private readonly statements

  /** `dataDir` undefined: an in-memory database that lives as long as the server. */
  constructor(dataDir?: string) {
    let file = ':memory:'
    if (dataDir !== undefined) {
      mkdirSync(dataDir, { recursive: true })
      file = join(dataDir, 'sandbox.db')
    }
    this.db = new Database(file)
    try {
      if (dataDir !== undefined) this.db.pragma('journal_mode = WAL')
      this.db.pragma('synchronous = NORMAL')
      this.db.pragma('foreign_keys = ON')
      this.migrate()
    } catch (error) {
      this.db.close()
      throw error
    }
    const db = this.db
    this.statements = {
      bySeq: db.prepare<[number], ProfileRow>('SELECT * FROM profiles WHERE seq = ?'),
      byGuid: db.prepare<[string], { seq: number }>('SELECT seq FROM object_ids WHERE guid = ?'),
      objectIdsOf: db.prepare<[number], { guid: string }>(
        'SELECT guid FROM object_ids WHERE seq = ? ORDER BY added, guid',
      ),
      mapObjectId: db.prepare<[string, number, number]>(
        `INSERT INTO object_ids (guid, seq, added) VALUES (?, ?, ?)
         ON CONFLICT (guid) DO UPDATE SET seq = excluded.seq, added = excluded.added`,
      ),
      // Email is a property, not an identifier: several profiles may share one; the latest wins.
      byEmail: db.prepare<[string], { seq: number }>(
        'SELECT seq FROM profiles WHERE email = ? ORDER BY updated_at DESC, seq DESC LIMIT 1',
      ),
      byIdentifier: db.prepare<[string, string], { seq: number }>(
        'SELECT seq FROM identifiers WHERE kind = ? AND value = ?',
      ),
      identifiersOf: db.prepare<[number], { kind: IdentifierKind; value: string }>(
        'SELECT kind, value FROM identifiers WHERE seq = ? ORDER BY added, value',
      ),
      insertProfile: db.prepare<[string, number, number], { seq: number }>(
        "INSERT INTO profiles (guid, props, created_at, updated_at) VALUES (?, '{}', ?, ?) RETURNING seq",
      ),
      attach: db.prepare<[string, string, number, number]>(
        'INSERT INTO identifiers (kind, value, seq, added) VALUES (?, ?, ?, ?)',
      ),
      saveProps: db.prepare<[string, string | null, number, number]>(
        'UPDATE profiles SET props = ?, email = ?, updated_at = ? WHERE seq = ?',
      ),
      insertEvent: db.prepare<[number, string, number, string, string | null]>(
        'INSERT INTO events (seq, name, ts, data, idem) VALUES (?, ?, ?, ?, ?)',
      ),
      upsertSummary: db.prepare<[number, string, number, number]>(
        `INSERT INTO event_summaries (seq, name, count, first_seen, last_seen) VALUES (?, ?, 1, ?, ?)
         ON CONFLICT (seq, name) DO UPDATE SET count = count + 1,
           first_seen = min(first_seen, excluded.first_seen), last_seen = max(last_seen, excluded.last_seen)`,
      ),
      touch: db.prepare<[number, number]>(
        'UPDATE profiles SET updated_at = max(updated_at, ?) WHERE seq = ?',
      ),
      didEvent: db.prepare<[number, string, number, number], { one: number }>(
        'SELECT 1 AS one FROM events WHERE seq = ? AND name = ? AND ts >= ? AND ts < ? LIMIT 1',
      ),
      summaries: db.prepare<[number], { name: string } & EventSummary>(
        'SELECT name, count, first_seen, last_seen FROM event_summaries WHERE seq = ? ORDER BY name',
      ),
      hasKey: db.prepare<[string], { one: number }>('SELECT 1 AS one FROM applied_keys WHERE key = ?'),
      rememberKey: db.prepare<[string, string, number]>(
        'INSERT INTO applied_keys (key, record_type, applied_at) VALUES (?, ?, ?)',
      ),
      deleteProfile: db.prepare<[number]>('DELETE FROM profiles WHERE seq = ?'),
      maxSeq: db.prepare<[], { max: number | null }>('SELECT max(seq) AS max FROM profiles'),
      insertQuery: db.prepare<[string, number, number, number, number], { id: number }>(
        'INSERT INTO queries (filters, batch_size, max_seq, with_events, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id',
      ),
      query: db.prepare<[number], QueryRow>('SELECT * FROM queries WHERE id = ?'),
      page: db.prepare<[number, number, number], ProfileRow>(
        'SELECT * FROM profiles WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?',
      ),
      counts: db.prepare<[], { profiles: number; events: number; keys: number }>(
        `SELECT (SELECT count(*) FROM profiles) AS profiles, (SELECT count(*) FROM events) AS events,
                (SELECT count(*) FROM applied_keys) AS keys`,
      ),
    }
  }

  private migrate(): void {
    const version = this.db.pragma('user_version', { simple: true }) as number
    if (version > SCHEMA_VERSION) {
      throw new Error(
        `The sandbox database was written by a newer sandbox (schema ${version}; this one knows ${SCHEMA_VERSION}). ` +
          'Use another --data-dir.',
      )
    }
    if (version === SCHEMA_VERSION) return
    this.db.transaction(() => {
      if (version < 1) this.db.exec(SCHEMA)
      if (version < 2) this.db.exec(DEVICES_SCHEMA)
      this.db.pragma(`user_version = ${SCHEMA_VERSION}`)
    })()
  }

  /** Runs `fn` in one write transaction: all of it is applied, or (when it throws) none of it. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate()
  }

  profile(seq: number): StoredProfile | null {
    const row = this.statements.bySeq.get(seq)
    return row ? toProfile(row) : null
  }

  findByGuid(guid: string): number | null {
    return this.statements.byGuid.get(guid)?.seq ?? null
  }

  findByEmail(email: string): number | null {
    return this.statements.byEmail.get(email.toLowerCase())?.seq ?? null
  }

  findByIdentifier(kind: IdentifierKind, value: string): number | null {
    return this.statements.byIdentifier.get(kind, value)?.seq ?? null
  }

  identifiersOf(seq: number): { kind: IdentifierKind; value: string }[] {
    return this.statements.identifiersOf.all(seq)
  }

  /** A new empty profile whose own CleverTap ID is `guid`. */
  createProfile(guid: string, createdAt: number): number {
    const row = this.statements.insertProfile.get(guid, createdAt, createdAt)
    if (!row) throw new Error('profile insert returned no row')
    this.statements.mapObjectId.run(guid, row.seq, createdAt)
    return row.seq
  }

  /** Points a CleverTap ID (device) at a profile, moving it when it led elsewhere. */
  mapObjectId(guid: string, seq: number, at: number): void {
    this.statements.mapObjectId.run(guid, seq, at)
  }

  objectIdsOf(seq: number): string[] {
    return this.statements.objectIdsOf.all(seq).map((row) => row.guid)
  }

  /** Attaches an identifier nobody holds yet (the caller has checked). */
  attachIdentifier(seq: number, kind: IdentifierKind, value: string, at: number): void {
    this.statements.attach.run(kind, value, seq, at)
  }

  saveProps(seq: number, props: WireProps, at: number): void {
    // Lower-cased so lookups by email ignore case, as addresses are compared in practice.
    const email = typeof props.Email === 'string' ? props.Email.toLowerCase() : null
    this.statements.saveProps.run(JSON.stringify(props), email, at, seq)
  }

  /** Stores the event and updates the profile's summary for that event name. */
  recordEvent(seq: number, name: string, ts: number, data: unknown, idem: string | null): void {
    this.statements.insertEvent.run(seq, name, ts, JSON.stringify(data), idem)
    this.statements.upsertSummary.run(seq, name, ts, ts)
    this.statements.touch.run(ts, seq)
  }

  eventSummaries(seq: number): Record<string, EventSummary> {
    const out: Record<string, EventSummary> = {}
    for (const row of this.statements.summaries.all(seq)) {
      out[row.name] = { count: row.count, first_seen: row.first_seen, last_seen: row.last_seen }
    }
    return out
  }

  /** Whether the profile did the event at a time in [fromTs, untilTs) (epoch seconds). */
  didEvent(seq: number, name: string, fromTs: number, untilTs: number): boolean {
    return this.statements.didEvent.get(seq, name, fromTs, untilTs) !== undefined
  }

  hasAppliedKey(key: string): boolean {
    return this.statements.hasKey.get(key) !== undefined
  }

  rememberKey(key: string, recordType: string, at: number): void {
    this.statements.rememberKey.run(key, recordType, at)
  }

  deleteProfile(seq: number): void {
    this.statements.deleteProfile.run(seq)
  }

  createQuery(conditions: ParsedQuery, batchSize: number, withEvents: boolean, now: number): number {
    const maxSeq = this.statements.maxSeq.get()?.max ?? 0
    const row = this.statements.insertQuery.get(
      JSON.stringify(conditions),
      batchSize,
      maxSeq,
      withEvents ? 1 : 0,
      now,
    )
    if (!row) throw new Error('query insert returned no row')
    return row.id
  }

  query(id: number): StoredQuery | null {
    const row = this.statements.query.get(id)
    if (!row) return null
    const stored = JSON.parse(row.filters) as ParsedQuery | { name: string; value: string }[]
    return {
      id: row.id,
      conditions: Array.isArray(stored)
        ? { event: null, fields: stored.map((f) => ({ name: f.name, operator: 'equals', value: f.value })) }
        : stored,
      batchSize: row.batch_size,
      maxSeq: row.max_seq,
      withEvents: row.with_events === 1,
      createdAt: row.created_at,
    }
  }

  /** Profiles with afterSeq < seq <= maxSeq in creation order, at most `limit` of them. */
  profilesAfter(afterSeq: number, maxSeq: number, limit: number): StoredProfile[] {
    return this.statements.page.all(afterSeq, maxSeq, limit).map(toProfile)
  }

  /**
   * Sets a device's token (a token record). A different token starts valid; the same one keeps its state.
   */
  setToken(guid: string, token: string, tokenType: string, platform: string, at: number): void {
    this.db
      .prepare(
        `INSERT INTO devices (guid, token, token_type, platform, token_state, updated)
         VALUES (?, ?, ?, ?, 'valid', ?)
         ON CONFLICT (guid) DO UPDATE SET token_type = excluded.token_type, platform = excluded.platform,
           token_state = CASE WHEN devices.token = excluded.token THEN devices.token_state ELSE 'valid' END,
           token = excluded.token, updated = excluded.updated`,
      )
      .run(guid, token, tokenType, platform, at)
  }

  device(guid: string): StoredDevice | null {
    const row = this.db
      .prepare<
        [string],
        { guid: string; token: string; token_type: string; platform: string; token_state: SandboxTokenState }
      >('SELECT guid, token, token_type, platform, token_state FROM devices WHERE guid = ?')
      .get(guid)
    return row
      ? {
          guid: row.guid,
          token: row.token,
          tokenType: row.token_type,
          platform: row.platform,
          tokenState: row.token_state,
        }
      : null
  }

  /** What a push provider reports about a token (every device holding it); returns how many changed. */
  setTokenState(token: string, state: SandboxTokenState, at: number): number {
    return this.db
      .prepare('UPDATE devices SET token_state = ?, updated = ? WHERE token = ?')
      .run(state, at, token).changes
  }

  counts(): { profiles: number; events: number; appliedKeys: number } {
    const row = this.statements.counts.get()
    return { profiles: row?.profiles ?? 0, events: row?.events ?? 0, appliedKeys: row?.keys ?? 0 }
  }

  close(): void {
    if (this.db.open) this.db.close()
  }
}
