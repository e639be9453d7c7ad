// One change to one profile: load, apply validated edits to a working copy, then commit the difference
// as the row update, one audit row per changed field and ONE outbox record, inside the caller's
// transaction. A change that changes nothing writes nothing (no audit, no outbox, updated_at kept).
import { AppError } from '../../../../shared/ipc/envelope'
import type { PropertyChange } from '../../../../shared/ipc/contract'
import { findSystemProperty, validateSystemProperty } from '../../../../shared/profile/catalogue'
import { foldText } from '../../../../shared/profile/search-keys'
import type { CustomPropertyType } from '../../../../shared/profile/types'
import { deriveProfileType } from '../../../../shared/profile/identity'
import type { Db } from '../db/connection'
import { writeAudit, type AuditWrite } from './audit'
import {
  assertIdentifierFree,
  deleteIdentifier,
  identifierLabel,
  insertIdentifier,
  loadIdentifiers,
  sameIdentifier,
  type StoredIdentifier,
} from './identifiers'
import { writeProfileOutbox } from './outbox'
import { diffSnapshots } from './profile-diff'
import type { ProfileRow } from './profile-rows'
import {
  cloneState,
  loadCustomTypes,
  propertyColumns,
  readPropertyState,
  setCustomProperty,
  setSystemProperty,
  unsetProperty,
  validationError,
  type PropertyState,
} from './properties'
import { prepared } from './statements'

export interface CommitOptions {
  at: number
  actor: string
  /** The change set its audit rows belong to (core/changes). */
  changeSet: number
  /** False for local demo data (sample, seed): nothing to send to the remote API. */
  outbox: boolean
  /** The audit action recorded for identifier additions (e.g. 'login.became' from the login rule). */
  identifierAction?: string
}

export interface CommitResult {
  changed: boolean
  /** Changed fields by wire key, for callers that report them. */
  fields: string[]
}

export class ProfileChange {
  readonly state: PropertyState
  identifiers: StoredIdentifier[]
  isTest: boolean
  excluded: boolean
  private readonly before: PropertyState
  private readonly beforeIdentifiers: StoredIdentifier[]
  private readonly types: Map<string, CustomPropertyType>
  private readonly newTypes = new Map<string, CustomPropertyType>()

  constructor(
    private readonly db: Db,
    readonly row: ProfileRow,
    /** True when the row was inserted in this transaction: the commit records a creation. */
    private readonly created = false,
  ) {
    this.types = loadCustomTypes(db)
    this.before = readPropertyState(row, this.types)
    this.state = cloneState(this.before)
    this.beforeIdentifiers = loadIdentifiers(db, row.id)
    this.identifiers = [...this.beforeIdentifiers]
    this.isTest = row.is_test === 1
    this.excluded = row.cg_excluded === 1
  }

  apply(change: PropertyChange): void {
    const property = findSystemProperty(change.key)
    if (change.op === 'unset') {
      if (property?.key === 'Email') this.identifiers = this.identifiers.filter((i) => i.kind !== 'email')
      else unsetProperty(this.state, change.key)
      return
    }
    if (property?.key === 'Email') {
      // Setting the Email property replaces the profile's email identifier (it is one and the same).
      const checked = validateSystemProperty('Email', change.value)
      if (!checked.ok) throw validationError(checked.error)
      this.addIdentifier({ kind: 'email', name: '', value: checked.value as string })
      return
    }
    if (property) {
      setSystemProperty(this.state, property, change.value)
      return
    }
    const type = setCustomProperty(this.state, this.types, change.key, change.value, change.type)
    if (!this.types.has(change.key)) {
      this.types.set(change.key, type)
      this.newTypes.set(change.key, type)
    }
  }

  /**
   * Adds an identifier. An email replaces the profile's email (a profile has one Email). A second
   * Identity is appended, as CleverTap does when an identity is pushed without onUserLogin: that is a
   * "bad merge", flagged as ProfileDetail.badMerge (more than one Identity) rather than refused.
   */
  addIdentifier(identifier: StoredIdentifier): void {
    if (this.identifiers.some((i) => sameIdentifier(i, identifier))) {
      // Same value: an email whose spelling changed is still replaced so the new spelling shows.
      if (identifier.kind !== 'email') return
    }
    if (identifier.kind === 'email') this.identifiers = this.identifiers.filter((i) => i.kind !== 'email')
    this.identifiers.push(identifier)
  }

  removeIdentifier(identifier: StoredIdentifier, profileLabel: string): void {
    if (!this.identifiers.some((i) => sameIdentifier(i, identifier))) {
      throw new AppError(
        'not_found',
        `Profile ${profileLabel} has no ${identifierLabel(identifier)} "${identifier.value}".`,
        { kind: identifier.kind, value: identifier.value },
      )
    }
    this.identifiers = this.identifiers.filter((i) => !sameIdentifier(i, identifier))
  }

  commit(options: CommitOptions): CommitResult {
    const diff = diffSnapshots(
      { state: this.before, identifiers: this.beforeIdentifiers, isTest: this.row.is_test === 1 },
      { state: this.state, identifiers: this.identifiers, isTest: this.isTest },
      options.identifierAction,
    )
    const { profileData, base, added, removed } = diff
    const audits: AuditWrite[] = [...diff.fields]
    const wasExcluded = this.row.cg_excluded === 1
    if (wasExcluded !== this.excluded) {
      // Control-group exclusion is a dashboard setting with no upload-API field: audited, not sent.
      audits.push({
        action: this.excluded ? 'controlGroups.exclude' : 'controlGroups.include',
        field: 'excludedFromControlGroups',
        oldValue: wasExcluded,
        newValue: this.excluded,
      })
    }

    if (audits.length === 0 && !this.created) return { changed: false, fields: [] }

    const db = this.db
    const profileId = this.row.id
    for (const identifier of added) assertIdentifierFree(db, identifier, profileId)
    for (const identifier of removed) deleteIdentifier(db, profileId, identifier)
    for (const identifier of added) insertIdentifier(db, profileId, identifier, options.at)
    for (const [key, type] of this.newTypes) {
      prepared(db, 'INSERT OR IGNORE INTO custom_property_types (key, type) VALUES (?, ?)').run(key, type)
    }

    const email = this.identifiers.find((i) => i.kind === 'email')?.value ?? null
    const identity = this.identifiers.find((i) => i.kind === 'identity')?.value ?? null
    const columns: Record<string, string | number | null> = {
      ...propertyColumns(this.state),
      email,
      identity,
      email_key: email === null ? null : foldText(email),
      identity_key: identity === null ? null : foldText(identity) || null,
      identified: deriveProfileType(this.identifiers) === 'Identified' ? 1 : 0,
      is_test: this.isTest ? 1 : 0,
      cg_excluded: this.excluded ? 1 : 0,
      updated_at: options.at,
    }
    const names = Object.keys(columns)
    prepared(
      db,
      `UPDATE profiles SET ${names.map((n) => `${n} = @${n}`).join(', ')} WHERE id = @profile_id`,
    ).run({
      ...columns,
      profile_id: profileId,
    })

    const objectId = this.row.object_id
    if (this.created)
      writeAudit(db, options.changeSet, objectId, options.at, options.actor, {
        action: 'profile.create',
        field: null,
      })
    for (const audit of audits) writeAudit(db, options.changeSet, objectId, options.at, options.actor, audit)

    if (options.outbox && (Object.keys(profileData).length > 0 || this.created)) {
      const rootIdentity = diff.rootIdentity
      writeProfileOutbox(
        db,
        {
          type: 'profile',
          objectId,
          ...(rootIdentity === undefined ? {} : { identity: rootIdentity }),
          profileData,
        },
        base,
        options.at,
      )
    }
    return { changed: true, fields: audits.map((a) => a.field ?? a.action) }
  }
}
