// Handlers of the profile channels (profiles.*, events.record): each a call into core/profiles.
import type { Channel } from '../../../../../shared/ipc/contract'
import type { Services } from '../../../core/index'
import {
  addIdentifier,
  controlGroupExclusions,
  createProfile,
  deleteProfile,
  getProfile,
  identitySetView,
  listProfiles,
  lookupProfile,
  readProfileHistory,
  readTimeline,
  recordEvent,
  removeIdentifier,
  saveIdentitySet,
  searchProfiles,
  setControlGroupExclusion,
  setTestProfile,
  updateProfile,
} from '../../../core/profiles/index'
import type { HandlersOf } from '../dispatch'

export type ProfileHandlers = HandlersOf<Extract<Channel, `profiles.${string}`> | 'events.record'>

export function createProfileHandlers({ context: ctx, segments }: Services): ProfileHandlers {
  return {
    // A saved segment as a filter: the segment engine keeps its members, combined with the search text.
    'profiles.search': (req) =>
      req.filters.segmentId === undefined ? searchProfiles(ctx.db, req) : segments.searchWithin(req),
    'profiles.list': (req) =>
      req.filters.segmentId === undefined
        ? listProfiles(ctx.db, req)
        : segments.searchWithin({ ...req, query: '' }, req.sort, req.direction),
    'profiles.get': (req) => getProfile(ctx, req.id),
    'profiles.lookup': (req) => lookupProfile(ctx, req.key),
    'profiles.create': (req) => createProfile(ctx, req),
    'profiles.update': (req) => updateProfile(ctx, req.id, req.changes),
    'profiles.identifiers.add': (req) => addIdentifier(ctx, req.id, req.identifier),
    'profiles.identifiers.remove': (req) => removeIdentifier(ctx, req.id, req.identifier),
    'profiles.delete': (req) => deleteProfile(ctx, req.id),
    'profiles.setTest': (req) => setTestProfile(ctx, req.id, req.test),
    'profiles.setControlGroupExclusion': (req) => setControlGroupExclusion(ctx, req.id, req.excluded),
    'profiles.controlGroupExclusions': () => controlGroupExclusions(ctx),
    'profiles.identitySet': () => identitySetView(ctx.db),
    'profiles.setIdentitySet': (req) => saveIdentitySet(ctx, req.keys),
    'profiles.events': (req) => readTimeline(ctx.db, req.id, req.offset, req.limit),
    'profiles.history': (req) => readProfileHistory(ctx.db, req.id, req.offset, req.limit),
    'events.record': (req) => recordEvent(ctx, req),
  }
}
