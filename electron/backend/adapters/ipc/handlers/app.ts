// Handlers of the app's own channels: what this backend is (version, host, data folder, profile count)
// and its jobs (list, cancel).
import type { Services } from '../../../core/index'
import { countProfiles } from '../../../core/profiles/index'
import type { HandlersOf } from '../dispatch'

export type AppHandlers = HandlersOf<'app.info' | 'jobs.cancel' | 'jobs.list'>

export function createAppHandlers({ context: ctx }: Services): AppHandlers {
  return {
    'app.info': () => ({
      version: ctx.version,
      host: ctx.host,
      dataDir: ctx.dataDir,
      profileCount: countProfiles(ctx.db, {}),
    }),
    'jobs.cancel': (req) => ({ cancelled: ctx.jobs.cancel(req.jobId) }),
    'jobs.list': () => ({ jobs: ctx.jobs.list() }),
  }
}
