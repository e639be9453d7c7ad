// One change to one profile: load, apply validated edits to a working copy, then commit the difference
// as the row update, one audit row per changed field and ONE outbox record, inside the caller's
// transaction. A change that changes nothing writes nothing (no audit, no outbox, updated_at kept).
import { AppError } from '../../../shared/ipc/envelope'
import type { PropertyChange } from '../../../shared/ipc/contract'
import { findSystemProperty, validateSystemProperty } from '../../../shared/profile/catalogue'
import { foldText } from '../../../shared/profile/search-keys'
import type { CustomPropertyType, PropertyValue } from '../../../shared/profile/types'
import type { Db } from '../db/connection'
import { writeAudit, type AuditWrite } from './audit'
import {
  assertIdentifierFree,
  deleteIdentifier,
  identifierLabel,
  insertIdentifier,
  loadIdentifiers,
  profileTypeOf,
  sameIdentifier,
  type StoredIdentifier,
} from './identifiers'
import { DELETE_OPERATION, toWireValue, writeProfileOutbox, type WireValue } from './outbox'
import type { ProfileRow } from './profile-rows'
import {
  TEST_USER_KEY,
  cloneState,
  loadCustomTypes,
  propertyColumns,
  readPropertyState,
  setCustomProperty,
  setSystemProperty,
  typeOfKey,
  unsetProperty,
  validationError,
  valuesEqual,
  type PropertyState,
} from './properties'
import { prepared } from './statements'

export interface CommitOptions {
  at: number
  actor: string
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
    const audits: AuditWrite[] = []
    const profileData: Record<string, WireValue> = {}
    const base: Record<string, WireValue | null> = {}
    const note = (
      key: string,
      type: string,
      before: PropertyValue | undefined,
      after: PropertyValue | undefined,
      audit: AuditWrite,
    ) => {
      audits.push(audit)
      profileData[key] = after === undefined ? DELETE_OPERATION : toWireValue(type, after)
      base[key] = before === undefined ? null : toWireValue(type, before)
    }

    for (const key of new Set([...this.before.system.keys(), ...this.state.system.keys()])) {
      const before = this.before.system.get(key)
      const after = this.state.system.get(key)
      if (valuesEqual(before, after)) continue
      note(key, typeOfKey(this.state, key), before, after, {
        action: after === undefined ? 'property.unset' : 'property.set',
        field: key,
        oldValue: before ?? null,
        newValue: after ?? null,
      })
    }
    for (const key of new Set([...this.before.custom.keys(), ...this.state.custom.keys()])) {
      const before = this.before.custom.get(key)
      const after = this.state.custom.get(key)
      if (valuesEqual(before?.value, after?.value)) continue
      note(key, (after ?? before)?.type ?? 'string', before?.value, after?.value, {
        action: after === undefined ? 'property.unset' : 'property.set',
        field: key,
        oldValue: before?.value ?? null,
        newValue: after?.value ?? null,
      })
    }

    const removed = this.beforeIdentifiers.filter(
      (b) => !this.identifiers.some((a) => sameIdentifier(a, b) && a.value === b.value),
    )
    const added = this.identifiers.filter(
      (a) => !this.beforeIdentifiers.some((b) => sameIdentifier(a, b) && a.value === b.value),
    )
    const emailBefore = this.beforeIdentifiers.find((i) => i.kind === 'email')?.value
    const emailAfter = this.identifiers.find((i) => i.kind === 'email')?.value
    if (emailBefore !== emailAfter) {
      note('Email', 'string', emailBefore, emailAfter, {
        action: emailAfter === undefined ? 'property.unset' : 'property.set',
        field: 'Email',
        oldValue: emailBefore ?? null,
        newValue: emailAfter ?? null,
      })
    }
    const identifierKeys = new Map<string, Pick<StoredIdentifier, 'kind' | 'name'>>()
    for (const identifier of removed) {
      if (identifier.kind === 'email') continue
      audits.push({
        action: 'identifier.remove',
        field: identifierLabel(identifier),
        oldValue: identifier.value,
        newValue: null,
      })
      identifierKeys.set(identifierLabel(identifier), identifier)
    }
    for (const identifier of added) {
      if (identifier.kind === 'email') continue
      audits.push({
        action: options.identifierAction ?? 'identifier.add',
        field: identifierLabel(identifier),
        oldValue: null,
        newValue: identifier.value,
      })
      identifierKeys.set(identifierLabel(identifier), identifier)
    }
    for (const [label, which] of identifierKeys) {
      const first = (list: StoredIdentifier[]) =>
        list.find((i) => i.kind === which.kind && i.name === which.name)?.value
      const before = first(this.beforeIdentifiers)
      const after = first(this.identifiers)
      // The first value of the kind is what the profile is known by; an appended Identity is sent as
      // itself (CleverTap appends it: the bad merge the app shows).
      const sent = added.find((i) => i.kind === which.kind && i.name === which.name)?.value ?? after
      profileData[label] = sent === undefined ? DELETE_OPERATION : sent
      base[label] = before ?? null
    }

    const wasTest = this.row.is_test === 1
    if (wasTest !== this.isTest) {
      audits.push({
        action: this.isTest ? 'test.mark' : 'test.unmark',
        field: TEST_USER_KEY,
        oldValue: wasTest ? 'Yes' : null,
        newValue: this.isTest ? 'Yes' : null,
      })
      profileData[TEST_USER_KEY] = this.isTest ? 'Yes' : DELETE_OPERATION
      base[TEST_USER_KEY] = wasTest ? 'Yes' : null
    }
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
      identified: profileTypeOf(this.identifiers) === 'Identified' ? 1 : 0,
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
      writeAudit(db, objectId, options.at, options.actor, { action: 'profile.create', field: null })
    for (const audit of audits) writeAudit(db, objectId, options.at, options.actor, audit)

    if (options.outbox && (Object.keys(profileData).length > 0 || this.created)) {
      const rootIdentity =
        this.beforeIdentifiers.find((i) => i.kind === 'identity')?.value ?? identity ?? undefined
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
