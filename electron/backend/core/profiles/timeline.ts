// A profile's event timeline: its own events plus, greyed, the anonymous-mode events of profiles linked
// to it by Scenario 2 (shown, never counted), newest first.
import type { ProfileEvent } from '../../../../shared/profile/types'
import type { Db } from '../db/connection'
import { requireProfileRow } from './profile-rows'
import { prepared } from './statements'

interface EventRow {
  id: number
  name: string
  ts: number
  props: string
  profile_id: number
  device_id: string | null
  object_id: string
}

const OWN_AND_LINKED = `(e.profile_id = @id OR e.profile_id IN
  (SELECT anonymous_profile_id FROM anonymous_links WHERE identified_profile_id = @id))`

export function readTimeline(
  db: Db,
  objectId: string,
  offset: number,
  limit: number,
): { items: ProfileEvent[]; total: number } {
  const profile = requireProfileRow(db, objectId)
  const rows = prepared(
    db,
    `SELECT e.id, e.name, e.ts, e.props, e.profile_id, e.device_id, p.object_id
     FROM events e JOIN profiles p ON p.id = e.profile_id
     WHERE ${OWN_AND_LINKED} ORDER BY e.ts DESC, e.id DESC LIMIT @limit OFFSET @offset`,
  ).all({ id: profile.id, limit, offset }) as EventRow[]
  const { total } = prepared(db, `SELECT count(*) AS total FROM events e WHERE ${OWN_AND_LINKED}`).get({
    id: profile.id,
  }) as { total: number }
  return {
    total,
    items: rows.map((r) => ({
      id: r.id,
      name: r.name,
      ts: r.ts,
      props: JSON.parse(r.props) as Record<string, unknown>,
      anonymous: r.profile_id !== profile.id,
      profileId: r.object_id,
      deviceId: r.device_id,
    })),
  }
}
