// What a local action means for the remote profile API, in the words the profile page and the command line
// both use, so neither promises more than sync does.

/** Deleting a profile here queues its deletion remotely (CLEVERTAP-API.md §5: asynchronous, ~48 h). */
export const REMOTE_DELETE_NOTICE =
  'It will also be deleted from the remote profile API at the next sync. CleverTap deletes profiles ' +
  'asynchronously, usually within about 48 hours; if the user comes back, CleverTap treats them as new.'

/**
 * Control-group exclusion has no field in CleverTap's upload API (CLEVERTAP-API.md §9), so it is never
 * synced: it stays a note in Profile Desk, and the CleverTap dashboard setting is what campaigns follow.
 */
export const CONTROL_GROUP_LOCAL_NOTE =
  'Kept in Profile Desk only: CleverTap’s API has no field for it, so sync does not send it. To keep ' +
  'this profile out of control groups in campaigns, set “Exclude user from all control groups” on the ' +
  'profile in the CleverTap dashboard too.'
