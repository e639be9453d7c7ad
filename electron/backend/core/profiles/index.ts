// The profiles feature's public surface: what the adapters call (the store, search, lookup, the login
// rule, identifiers, control groups, the identity set, history and timeline).
export { readProfileHistory } from './audit'
export { controlGroupExclusions, setControlGroupExclusion } from './control-groups'
export { identitySetView, saveIdentitySet } from './identity-set'
export { recordEvent } from './login'
export {
  addIdentifier,
  createProfile,
  deleteProfile,
  getProfile,
  lookupProfile,
  removeIdentifier,
  setTestProfile,
  updateProfile,
} from './profile-store'
export { countProfiles, listProfiles, searchProfiles } from './search'
export { readTimeline } from './timeline'
