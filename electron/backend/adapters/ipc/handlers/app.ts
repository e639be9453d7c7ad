// Handlers of the app's own channels: what this backend is (version, host, data folder, profile count)
// and its jobs (list, cancel).
import { join } from 'node:path'
import { databaseBytes } from '../../../core/backup/index'
import type { Services } from '../../../core/index'
import { DATABASE_FILE, LOGS_FOLDER } from '../../../core/platform/index'
import { countProfiles } from '../../../core/profiles/index'
import type { HandlersOf } from '../dispatch'

export type AppHandlers = HandlersOf<'app.info' | 'app.logLevel.set' | 'jobs.cancel' | 'jobs.list'>

export function createAppHandlers({ context: ctx, logs, interrupted }: Services): AppHandlers {
  return {
    'app.info': () => ({
      version: ctx.version,
      host: ctx.host,
      dataDir: ctx.dataDir,
      profileCount: countProfiles(ctx.db, {}),
      databaseBytes: databaseBytes(join(ctx.dataDir, DATABASE_FILE)),
      logsDir: join(ctx.dataDir, LOGS_FOLDER),
      logLevel: logs.level(),
      interrupted: [...interrupted],
      runtime: runtimeVersions(),
    }),
    'app.logLevel.set': (req) => ({ level: logs.setLevel(req.level) }),
    'jobs.cancel': (req) => ({ cancelled: ctx.jobs.cancel(req.jobId) }),
    'jobs.list': () => ({ jobs: ctx.jobs.list() }),
  }
}

/** Node's version, and Electron's and Chromium's when the backend runs in Electron's utility process. */
function runtimeVersions(): Record<string, string> {
  const versions: Record<string, string> = {}
  const { electron, chrome, node } = process.versions as Record<string, string | undefined>
  if (electron) versions.Electron = electron
  if (chrome) versions.Chromium = chrome
  if (node) versions.Node = node
  return versions
}
