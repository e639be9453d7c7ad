// Writes generated sample profiles straight into the tables (profile row, identifiers, events,
// summaries), batch by batch inside the caller's transaction. Sample data is local demo data, nothing to
// send to the remote API (no outbox rows); each profile is one 'profile.create' entry of the load's change
// set and its events carry that change set, so the load shows in History and can be undone as a whole.
import { deriveProfileType } from '../../../../shared/profile/identity'
import { foldText, phoneDigits } from '../../../../shared/profile/search-keys'
import type { Identifier } from '../../../../shared/profile/types'
import type { Db } from '../db/connection'
import type { SampleProfile } from './generator'

export interface WriterOptions {
  /** Check identities/emails against existing profiles (off for a bulk load into an empty database). */
  checkConflicts: boolean
  at: number
  /** The load's change set (core/changes). */
  changeSet: number
  actor: string
}

export class SampleWriter {
  private readonly insertProfile
  private readonly insertIdentifier
  private readonly insertEvent
  private readonly insertSummary
  private readonly insertAudit
  private readonly holder
  private readonly customKeys: Set<string>

  constructor(
    private readonly db: Db,
    private readonly options: WriterOptions,
    /** Sample custom keys usable here (a key registered with another type is left out). */
    customKeys: Iterable<string>,
  ) {
    this.customKeys = new Set(customKeys)
    this.insertProfile = db.prepare(
      `INSERT INTO profiles (object_id, name, email, identity, phone, gender, dob, timezone,
         msg_email, msg_push, msg_sms, msg_whatsapp, custom, is_test, identified,
         name_key, email_key, identity_key, phone_key, last_seen, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    this.insertIdentifier = db.prepare(
      "INSERT INTO identifiers (profile_id, kind, name, value, value_key, added_at) VALUES (?, ?, '', ?, ?, ?)",
    )
    this.insertEvent = db.prepare(
      'INSERT INTO events (profile_id, device_id, name, ts, props, anonymous, change_set) VALUES (?, ?, ?, ?, ?, ?, ?)',
    )
    // The one audit row of a new profile (the change-set format: no per-field rows for initial values).
    this.insertAudit = db.prepare(
      "INSERT INTO audit (change_set, object_id, at, actor, action, field) VALUES (?, ?, ?, ?, 'profile.create', NULL)",
    )
    this.insertSummary = db.prepare(
      'INSERT INTO event_summaries (profile_id, name, count, first_seen, last_seen) VALUES (?, ?, ?, ?, ?)',
    )
    this.holder = db.prepare("SELECT 1 FROM identifiers WHERE value_key = ? AND kind = ? AND name = ''")
  }

  /** Inserts one profile; false when its identity or email already belongs to someone (skipped). */
  write(profile: SampleProfile): boolean {
    const emailKey = profile.email?.toLowerCase() ?? null
    if (this.options.checkConflicts) {
      if (profile.identity !== null && this.holder.get(profile.identity, 'identity')) return false
      if (emailKey !== null && this.holder.get(emailKey, 'email')) return false
    }
    const custom: Record<string, unknown> = {}
    for (const [key, value] of Object.entries(profile.custom))
      if (this.customKeys.has(key)) custom[key] = value
    const identifiers: Identifier[] = []
    if (profile.identity !== null) identifiers.push({ kind: 'identity', value: profile.identity })
    if (profile.email !== null) identifiers.push({ kind: 'email', value: profile.email })
    const identified = deriveProfileType(identifiers) === 'Identified' ? 1 : 0
    const lastSeen = profile.events.reduce<number | null>(
      (max, e) => (max === null || e.ts > max ? e.ts : max),
      null,
    )
    const created = Math.min(this.options.at, ...profile.events.map((e) => e.ts))
    const bool = (value: boolean | undefined) => (value === undefined ? null : value ? 1 : 0)
    const info = this.insertProfile.run(
      profile.objectId,
      profile.name,
      profile.email,
      profile.identity,
      profile.phone,
      profile.gender,
      profile.dob,
      profile.timezone,
      bool(profile.msg?.email),
      bool(profile.msg?.push),
      bool(profile.msg?.sms),
      bool(profile.msg?.whatsapp),
      JSON.stringify(custom),
      profile.isTest ? 1 : 0,
      identified,
      profile.name === null ? null : foldText(profile.name),
      profile.email === null ? null : foldText(profile.email),
      profile.identity === null ? null : foldText(profile.identity),
      profile.phone === null ? null : phoneDigits(profile.phone),
      lastSeen,
      created,
      created,
    )
    const id = Number(info.lastInsertRowid)
    for (const identifier of identifiers) {
      const key = identifier.kind === 'email' ? emailKey : identifier.value
      this.insertIdentifier.run(id, identifier.kind, identifier.value, key, created)
    }
    // No devices row: a profile's own CleverTap ID is its device, and the login rule finds it by that id.
    const summaries = new Map<string, { count: number; first: number; last: number }>()
    for (const event of profile.events) {
      this.insertEvent.run(
        id,
        profile.objectId,
        event.name,
        event.ts,
        JSON.stringify(event.props),
        identified ? 0 : 1,
        this.options.changeSet,
      )
      const s = summaries.get(event.name)
      if (s) {
        s.count += 1
        s.first = Math.min(s.first, event.ts)
        s.last = Math.max(s.last, event.ts)
      } else summaries.set(event.name, { count: 1, first: event.ts, last: event.ts })
    }
    for (const [name, s] of summaries) this.insertSummary.run(id, name, s.count, s.first, s.last)
    const { changeSet, at, actor } = this.options
    this.insertAudit.run(changeSet, profile.objectId, at, actor)
    return true
  }
}
