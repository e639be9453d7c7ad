// Duplicate Platform ID (seed FAQ): push tokens and phone numbers held by more than one profile, with the
// holder that receives (RECEIVER_RULE), and resolving a group by removing the value from the others.
import type {
  DuplicateGroup,
  DuplicateHolder,
  DuplicateKind,
  DuplicatePage,
  ResolveResult,
} from '../../../../shared/devices/types'
import {
  answerOfCode,
  CHANNELS,
  describeAnswer,
  pushChannelOf,
  type Channel,
  type Platform,
} from '../../../../shared/reachability/rules'
import type { BackendContext } from '../context'
import type { Db } from '../db/connection'
import { closeChangeSet, openChangeSet } from '../changes/change-sets'
import { updateProfile } from '../profiles/profile-store'
import { nowSeconds } from '../profiles/statements'
import { findProfileRowById } from '../profiles/profile-rows'
import { devicesOf } from './device-store'
import { unpackCodes } from './schema'
import { removeDeviceToken } from './token-edits'

export const DUPLICATE_PAGE_SIZE = 50

interface HolderRow {
  value: string
  key: string
  id: number
  object_id: string
  name: string | null
  identified: number
  is_test: number
  last_seen: number | null
  reach: number | null
  device_last_seen: number | null
  platform: Platform | null
}

/** The receiver first (RECEIVER_RULE): device seen most recently, then profile seen, then lowest id. */
export function receiverOrder(a: HolderRow, b: HolderRow): number {
  const seen = (b.device_last_seen ?? -1) - (a.device_last_seen ?? -1)
  if (seen !== 0) return seen
  const profile = (b.last_seen ?? -1) - (a.last_seen ?? -1)
  return profile !== 0 ? profile : a.id - b.id
}

function holderView(row: HolderRow, channel: Channel, receives: boolean): DuplicateHolder {
  const code = row.reach === null ? 0 : (unpackCodes(row.reach)[CHANNELS.indexOf(channel)] ?? 0)
  const answer = answerOfCode(code)
  return {
    profileId: row.object_id,
    name: row.name,
    type: row.identified ? 'Identified' : 'Anonymous',
    isTest: row.is_test === 1,
    lastSeen: row.last_seen,
    deviceLastSeen: row.device_last_seen,
    reachable: answer.reachable,
    reachText: describeAnswer(answer),
    receives,
  }
}

/** Holder rows grouped by the real value (hash groups may mix tokens), only groups of 2+ profiles. */
function toGroups(kind: DuplicateKind, rows: HolderRow[]): DuplicateGroup[] {
  const byValue = new Map<string, HolderRow[]>()
  for (const row of rows) {
    const list = byValue.get(row.key) ?? []
    // One holder per profile (a profile with two devices on one token is one holder, its latest device).
    const same = list.findIndex((r) => r.id === row.id)
    if (same < 0) list.push(row)
    else if ((row.device_last_seen ?? -1) > ((list[same] as HolderRow).device_last_seen ?? -1))
      list[same] = row
    byValue.set(row.key, list)
  }
  const groups: DuplicateGroup[] = []
  for (const list of byValue.values()) {
    if (list.length < 2) continue
    list.sort(receiverOrder)
    const first = list[0] as HolderRow
    groups.push({
      kind,
      value: first.value,
      holders: list.map((row, i) => {
        const channel: Channel = kind === 'phone' ? 'sms' : pushChannelOf(row.platform ?? 'Other')
        return holderView(row, channel, i === 0)
      }),
    })
  }
  return groups
}

const HOLDER_COLUMNS = 'p.id, p.object_id, p.name, p.identified, p.is_test, p.last_seen, p.reach'

/** One page of groups in key order (token hash or phone digits), after `after`. */
export function listDuplicates(
  db: Db,
  options: { kind: DuplicateKind; after?: string | null; limit?: number },
): DuplicatePage {
  const limit = options.limit ?? DUPLICATE_PAGE_SIZE
  if (options.kind === 'token') {
    const after = options.after === undefined || options.after === null ? -1 : Number(options.after)
    // The kept shared_tokens (shared-values.ts) in hash order: a page reads `limit` keys, however few of
    // all tokens are shared; the holders come from devices_token.
    const keys = db
      .prepare('SELECT token_hash FROM shared_tokens WHERE token_hash > ? ORDER BY token_hash LIMIT ?')
      .pluck()
      .all(after, limit) as number[]
    if (keys.length === 0) return { groups: [], next: null }
    const rows = db
      .prepare(
        `SELECT d.push_token AS value, d.push_token AS key, d.last_seen AS device_last_seen, d.platform,
           ${HOLDER_COLUMNS}
         FROM devices d JOIN profiles p ON p.id = d.profile_id
         WHERE d.token_hash IN (SELECT value FROM json_each(?)) ORDER BY d.token_hash`,
      )
      .all(JSON.stringify(keys)) as HolderRow[]
    const last = keys[keys.length - 1] as number
    return { groups: toGroups('token', rows), next: keys.length < limit ? null : String(last) }
  }
  const after = options.after ?? ''
  const keys = db
    .prepare('SELECT phone_key FROM shared_phones WHERE phone_key > ? ORDER BY phone_key LIMIT ?')
    .pluck()
    .all(after, limit) as string[]
  if (keys.length === 0) return { groups: [], next: null }
  const rows = db
    .prepare(
      `SELECT p.phone AS value, p.phone_key AS key, NULL AS platform,
         (SELECT max(last_seen) FROM devices WHERE profile_id = p.id) AS device_last_seen, ${HOLDER_COLUMNS}
       FROM profiles p WHERE p.phone_key IN (SELECT value FROM json_each(?)) ORDER BY p.phone_key`,
    )
    .all(JSON.stringify(keys)) as HolderRow[]
  return {
    groups: toGroups('phone', rows),
    next: keys.length < limit ? null : (keys[keys.length - 1] as string),
  }
}

/** Every group of a kind (pages until the end), optionally only those whose value is listed. */
function allGroups(db: Db, kind: DuplicateKind, only: ReadonlySet<string> | null): DuplicateGroup[] {
  const out: DuplicateGroup[] = []
  let after: string | null = null
  for (let pages = 0; pages < 1_000_000; pages += 1) {
    const page = listDuplicates(db, { kind, after, limit: 500 })
    for (const group of page.groups) if (only === null || only.has(group.value)) out.push(group)
    if (page.next === null) break
    after = page.next
  }
  return out
}

/**
 * "Keep the most recently seen holder": every other holder loses the token (here only: CleverTap has no
 * record that removes one) or the phone (pushed as a $delete of Phone). Audited; each group in its own
 * transaction, so a failure leaves whole groups done or untouched.
 */
export function resolveDuplicates(
  ctx: BackendContext,
  options: { kinds: DuplicateKind[]; values?: string[]; dryRun: boolean },
): ResolveResult {
  const only = options.values === undefined ? null : new Set(options.values)
  const result: ResolveResult = {
    groups: 0,
    tokensRemoved: 0,
    phonesRemoved: 0,
    dryRun: options.dryRun,
    changedProfiles: [],
    changeSet: null,
  }
  const changed = new Set<string>()
  // The whole resolution is one change set (undone as one); each group still commits on its own.
  const changeSet = options.dryRun
    ? null
    : openChangeSet(ctx.db, {
        kind: 'duplicate-id',
        actor: ctx.actor,
        label: 'Duplicate Platform ID resolution',
        at: nowSeconds(ctx.clock),
        detail: { kinds: options.kinds, ...(options.values === undefined ? {} : { values: options.values }) },
      })
  let state: 'done' | 'interrupted' = 'interrupted'
  try {
    resolveGroups(ctx, options, only, changeSet, result, changed)
    state = 'done'
  } finally {
    // A failure keeps the groups committed before it: the change set says it stopped half-way.
    if (changeSet !== null) {
      const kept = closeChangeSet(ctx.db, changeSet, state, { at: nowSeconds(ctx.clock) })
      result.changeSet = kept ? changeSet : null
    }
  }
  result.changedProfiles = [...changed]
  if (changed.size > 0) ctx.events.emit('profiles.changed', { ids: result.changedProfiles })
  return result
}

function resolveGroups(
  ctx: BackendContext,
  options: { kinds: DuplicateKind[]; dryRun: boolean },
  only: Set<string> | null,
  changeSet: number | null,
  result: ResolveResult,
  changed: Set<string>,
): void {
  for (const kind of options.kinds) {
    for (const group of allGroups(ctx.db, kind, only)) {
      result.groups += 1
      const losers = group.holders.filter((h) => !h.receives)
      if (options.dryRun) {
        if (kind === 'token') result.tokensRemoved += losers.length
        else result.phonesRemoved += losers.length
        continue
      }
      if (kind === 'phone') {
        for (const loser of losers) {
          updateProfile(ctx, loser.profileId, [{ op: 'unset', key: 'Phone' }], changeSet ?? undefined)
          result.phonesRemoved += 1
          changed.add(loser.profileId)
        }
        continue
      }
      ctx.db
        .transaction(() => {
          for (const loser of losers) {
            const row = ctx.db
              .prepare('SELECT id FROM profiles WHERE object_id = ?')
              .pluck()
              .get(loser.profileId) as number | undefined
            const profile = row === undefined ? undefined : findProfileRowById(ctx.db, row)
            if (profile === undefined) continue
            for (const device of devicesOf(ctx.db, profile.id)) {
              if (device.push_token !== group.value) continue
              removeDeviceToken(
                ctx,
                profile,
                device,
                changeSet as number,
                'Duplicate Platform ID: kept on the holder seen most recently',
              )
              result.tokensRemoved += 1
              changed.add(loser.profileId)
            }
          }
        })
        .immediate()
    }
  }
}
