// "Exclude from all control groups": a per-profile flag held by at most 20 profiles in the account
// (CLEVERTAP-API.md §9). The 21st is refused with the limit and the current holders named.
import { AppError } from '../../../../shared/ipc/envelope'
import {
  CONTROL_GROUP_EXCLUSION_LIMIT,
  type ControlGroupHolder,
  type ProfileDetail,
} from '../../../../shared/profile/types'
import type { BackendContext } from '../context'
import type { Db } from '../db/connection'
import { withChangeSet } from '../changes/change-sets'
import { ProfileChange } from './profile-change'
import { describeProfile, requireProfileRow, toHolder, type ProfileRow } from './profile-rows'
import { buildDetail } from './profile-store'
import { nowSeconds, prepared } from './statements'

export function listExclusionHolders(db: Db): ControlGroupHolder[] {
  const rows = prepared(
    db,
    'SELECT object_id, name, identity, email, identified FROM profiles WHERE cg_excluded = 1 ORDER BY name_key, id',
  ).all() as Pick<ProfileRow, 'object_id' | 'name' | 'identity' | 'email' | 'identified'>[]
  return rows.map(toHolder)
}

export function controlGroupExclusions(ctx: BackendContext): {
  holders: ControlGroupHolder[]
  limit: number
} {
  return { holders: listExclusionHolders(ctx.db), limit: CONTROL_GROUP_EXCLUSION_LIMIT }
}

export function setControlGroupExclusion(ctx: BackendContext, id: string, excluded: boolean): ProfileDetail {
  const db = ctx.db
  const { detail, changed } = db
    .transaction(() => {
      const row = requireProfileRow(db, id)
      if (excluded && row.cg_excluded !== 1) {
        const holders = listExclusionHolders(db)
        if (holders.length >= CONTROL_GROUP_EXCLUSION_LIMIT) {
          const names = holders.map((h) =>
            describeProfile({ object_id: h.id, name: h.name, identity: h.identity, email: h.email }),
          )
          throw new AppError(
            'limit',
            `At most ${CONTROL_GROUP_EXCLUSION_LIMIT} profiles can be excluded from all control groups, and ` +
              `${holders.length} already are: ${names.join(', ')}. Re-include one of them first.`,
            { limit: CONTROL_GROUP_EXCLUSION_LIMIT, holders },
          )
        }
      }
      const at = nowSeconds(ctx.clock)
      const label = `${excluded ? 'Exclusion from' : 'Inclusion in'} control groups of ${describeProfile(row)}`
      const result = withChangeSet(
        db,
        { kind: 'control-groups', actor: ctx.actor, label, at },
        (changeSet) => {
          const change = new ProfileChange(db, row)
          change.excluded = excluded
          return change.commit({ at, actor: ctx.actor, outbox: true, changeSet })
        },
      )
      return { detail: buildDetail(ctx, requireProfileRow(db, id)), changed: result.changed }
    })
    .immediate()
  if (changed) ctx.events.emit('profiles.changed', { ids: [id] })
  return detail
}
