// The bulk preview: every selected profile classified (would change, already in that state, refused and
// why) without writing, a sample of before/after rows, and the control-group limit checked all or
// nothing, naming the limit and the current holders.
import type {
  BulkAction,
  BulkPreview,
  BulkRefusal,
  BulkSampleRow,
  ExclusionLimitView,
} from '../../../../shared/bulk/types'
import { AppError } from '../../../../shared/ipc/envelope'
import { CONTROL_GROUP_EXCLUSION_LIMIT, type CustomPropertyType } from '../../../../shared/profile/types'
import type { Db } from '../db/connection'
import { listExclusionHolders } from '../profiles/control-groups'
import { describeProfile, toSummary, type ProfileRow } from '../profiles/profile-rows'
import { actionLabel, outcomeFor, remoteNotes } from './actions'

const SAMPLE = 20
/** Rows read per statement while classifying. */
const READ_CHUNK = 5_000

export interface Classification {
  willChange: number
  alreadyInState: number
  refused: number
  sample: BulkSampleRow[]
  refusedSample: BulkRefusal[]
  reasons: Map<string, number>
}

/** Classifies the selected profiles (internal ids) for the action; reads, never writes. */
export function classify(
  db: Db,
  action: BulkAction,
  ids: Int32Array,
  types: Map<string, CustomPropertyType>,
): Classification {
  const out: Classification = {
    willChange: 0,
    alreadyInState: 0,
    refused: 0,
    sample: [],
    refusedSample: [],
    reasons: new Map(),
  }
  const read = db.prepare('SELECT * FROM profiles WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id')
  for (let i = 0; i < ids.length; i += READ_CHUNK) {
    const rows = read.all(JSON.stringify([...ids.subarray(i, i + READ_CHUNK)])) as ProfileRow[]
    for (const row of rows) {
      const outcome = outcomeFor(db, action, row, types)
      if (outcome.kind === 'same') out.alreadyInState++
      else if (outcome.kind === 'refused') {
        out.refused++
        out.reasons.set(outcome.reason, (out.reasons.get(outcome.reason) ?? 0) + 1)
        if (out.refusedSample.length < SAMPLE)
          out.refusedSample.push({ profile: toSummary(row), reason: outcome.reason })
      } else {
        out.willChange++
        if (out.sample.length < SAMPLE) out.sample.push({ profile: toSummary(row), changes: outcome.changes })
      }
    }
  }
  return out
}

/**
 * The control-group limit for an exclude (or include) action: who holds it now and how many would after.
 * `blocked` names the limit and the holders when the action would pass it: then nothing is written.
 */
export function exclusionLimit(
  db: Db,
  action: BulkAction,
  willChange: number,
): { view: ExclusionLimitView | null; blocked: string | null } {
  if (action.action !== 'exclude' && action.action !== 'include') return { view: null, blocked: null }
  const holders = listExclusionHolders(db)
  const wouldHold = action.action === 'exclude' ? holders.length + willChange : holders.length - willChange
  const view = { limit: CONTROL_GROUP_EXCLUSION_LIMIT, holders, wouldHold }
  if (action.action === 'include' || wouldHold <= CONTROL_GROUP_EXCLUSION_LIMIT)
    return { view, blocked: null }
  const names = holders.map((h) =>
    describeProfile({ object_id: h.id, name: h.name, identity: h.identity, email: h.email }),
  )
  const blocked =
    `At most ${CONTROL_GROUP_EXCLUSION_LIMIT} profiles can be excluded from all control groups. ` +
    `${holders.length} already are${names.length > 0 ? ` (${names.join(', ')})` : ''}, and this would exclude ` +
    `${willChange} more (${wouldHold} in all). Nothing was changed: select at most ` +
    `${Math.max(0, CONTROL_GROUP_EXCLUSION_LIMIT - holders.length)}, or re-include some first.`
  return { view, blocked }
}

/** The `limit` error a start refuses a blocked action with (the same words as the preview). */
export function blockedError(blocked: string, view: ExclusionLimitView | null): AppError {
  return new AppError('limit', blocked, view === null ? undefined : { ...view })
}

export function buildPreview(
  db: Db,
  action: BulkAction,
  ids: Int32Array,
  types: Map<string, CustomPropertyType>,
): BulkPreview {
  const c = classify(db, action, ids, types)
  const limit = exclusionLimit(db, action, c.willChange)
  return {
    action,
    label: actionLabel(action),
    matched: c.willChange + c.alreadyInState + c.refused,
    willChange: c.willChange,
    alreadyInState: c.alreadyInState,
    refused: c.refused,
    refusedSample: c.refusedSample,
    refusedReasons: [...c.reasons]
      .map(([reason, count]) => ({ reason, count }))
      .sort((a, b) => b.count - a.count),
    sample: c.sample,
    blocked: limit.blocked,
    exclusions: limit.view,
    remoteNotes: remoteNotes(action),
  }
}
