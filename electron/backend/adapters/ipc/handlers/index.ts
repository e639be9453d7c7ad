// The handler table: one entry per contract channel, checked against the contract by the Handlers type.
// Thin on purpose: the logic lives in profiles/ and sample/.
import type { BackendContext } from '../../../core/platform/context'
import type { Handlers } from '../dispatch'
import { controlGroupExclusions, setControlGroupExclusion } from '../../../core/profiles/control-groups'
import { identitySetView, saveIdentitySet } from '../../../core/profiles/identity-set'
import { recordEvent } from '../../../core/profiles/login'
import {
  addIdentifier,
  createProfile,
  deleteProfile,
  getProfile,
  lookupProfile,
  removeIdentifier,
  setTestProfile,
  updateProfile,
} from '../../../core/profiles/profile-store'
import { readHistory } from '../../../core/profiles/audit'
import { countProfiles, listProfiles, searchProfiles } from '../../../core/profiles/search'
import { readTimeline } from '../../../core/profiles/timeline'
import { finishInterruptedBulkLoad } from '../../../core/db/bulk-load'
import { startSampleLoad } from '../../../core/sample/sample-loader'
import { requireProfileRow } from '../../../core/profiles/profile-rows'
import { createDialogHandlers } from './dialogs'
import { createImportHandlers } from './imports'
import type { ChosenFiles } from '../../../core/imports/file-grants'
import type { ImportService } from '../../../core/imports/import-service'
import { createSftpHandlers } from './sftp'
import { SftpService } from '../../../core/sftp/service'
import { createSyncHandlers } from './sync'

/**
 * `imports` is the backend's one ImportService (wizard and SFTP imports share its one-run-at-a-time
 * rule); `files` the chosen files and uploads that the import channels take by handle.
 */
export function createHandlers(
  ctx: BackendContext,
  { imports, files }: { imports: ImportService; files: ChosenFiles },
): Handlers {
  // A bulk load killed half-way left its indexes dropped: rebuild them before serving anything.
  finishInterruptedBulkLoad(ctx.db, ctx.logger)
  return {
    'app.info': () => ({
      version: ctx.version,
      host: ctx.host,
      dataDir: ctx.dataDir,
      profileCount: countProfiles(ctx.db, {}),
    }),
    'profiles.search': (req) => searchProfiles(ctx.db, req),
    'profiles.list': (req) => listProfiles(ctx.db, req),
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
    'profiles.history': (req) => {
      // The history outlives the profile (a deleted profile's audit stays readable).
      const history = readHistory(ctx.db, req.id, req.offset, req.limit)
      if (history.total === 0) requireProfileRow(ctx.db, req.id)
      return history
    },
    'events.record': (req) => recordEvent(ctx, req),
    'sample.load': (req) => startSampleLoad(ctx, { profiles: req.profiles }),
    'jobs.cancel': (req) => ({ cancelled: ctx.jobs.cancel(req.jobId) }),
    'jobs.list': () => ({ jobs: ctx.jobs.list() }),
    ...createImportHandlers(ctx, imports, files),
    ...createSyncHandlers(ctx),
    ...createDialogHandlers(),
    ...createSftpHandlers(new SftpService(ctx, imports)),
  }
}
