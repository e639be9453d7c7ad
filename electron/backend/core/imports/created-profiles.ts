// The writes of the profiles an import batch creates: the profile row (one statement each: its id is
// needed next), then its identifiers, its one 'profile.create' audit row, its keyed outbox record (keys
// 'all') and its device's token record, queued in file order and written in multi-row INSERTs
// (insert-buffer.ts). The batch writer flushes them before any other write that could depend on them.
import type { DeviceInput } from '../devices/device-store'
import { insertNewDevice } from '../devices/device-store'
import { tokenRecordOf } from '../devices/token-edits'
import type { Db } from '../db/connection'
import { identifierValueKey } from '../profiles/identifiers'
import type { KeyedProfileRecord } from '../profiles/outbox'
import { prepared } from '../profiles/statements'
import { InsertBuffer } from './insert-buffer'
import { COLUMN_NAMES, INSERT_PROFILE, rowColumns } from './profile-columns'
import type { ProfileSnapshot } from './profile-snapshot'

/** A profile as the batch writer holds it: its id is set here once its row is written. */
export interface CreatedProfile {
  id: number | null
  objectId: string
}

export class CreatedProfiles {
  private readonly identifiers: InsertBuffer
  private readonly audit: InsertBuffer
  private readonly outbox: InsertBuffer

  constructor(
    private readonly db: Db,
    private readonly run: { changeSet: number; actor: string; at: number },
  ) {
    this.identifiers = new InsertBuffer(db, 'identifiers', [
      'profile_id',
      'kind',
      'name',
      'value',
      'value_key',
      'added_at',
    ])
    this.audit = new InsertBuffer(db, 'audit', ['change_set', 'object_id', 'at', 'actor', 'action'])
    this.outbox = new InsertBuffer(db, 'outbox', ['object_id', 'kind', 'payload', 'created_at'])
  }

  /** Writes the new profile's row (setting `profile.id`) and queues the rest. */
  write(
    profile: CreatedProfile,
    after: ProfileSnapshot,
    rootIdentity: string | undefined,
    device: DeviceInput | null,
  ): void {
    const { changeSet, actor, at } = this.run
    const columns = rowColumns(after, at, null)
    const values: (string | number | null)[] = [profile.objectId, at]
    for (const name of COLUMN_NAMES) values.push(columns[name] ?? null)
    const id = Number(prepared(this.db, INSERT_PROFILE).run(values).lastInsertRowid)
    profile.id = id
    for (const i of after.identifiers)
      this.identifiers.add(id, i.kind, i.name, i.value, identifierValueKey(i.kind, i.value), at)
    const objectId = profile.objectId
    // As writeAudit writes a creation: no field, no values (the row holds them).
    this.audit.add(changeSet, objectId, at, actor, 'profile.create')
    const record: KeyedProfileRecord = {
      type: 'profile',
      objectId,
      ...(rootIdentity === undefined ? {} : { identity: rootIdentity }),
      keys: 'all',
    }
    this.outbox.add(objectId, 'profile', JSON.stringify(record), at)
    if (device === null) return
    // As writeDevice for a new profile: the token is not audited on its own, a new token is queued. The
    // device is not stored yet (checkPlanDevice: a new profile's device id is its own new CleverTap ID).
    const written = insertNewDevice(this.db, id, device)
    const token = written.tokenChanged ? tokenRecordOf(written.values) : null
    if (token !== null) this.outbox.add(objectId, 'token', JSON.stringify(token), at)
  }

  /** Writes what is queued (before a write that may touch these profiles, and at the batch's end). */
  flush(): void {
    this.identifiers.flush()
    this.audit.flush()
    this.outbox.flush()
  }
}
