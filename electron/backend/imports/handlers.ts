// Handlers of the import channels (shared/ipc/channels/imports.ts), spread into ../handlers.ts. At start-up,
// runs left "running" by a process that died are marked interrupted.
import { readFileSync, statSync } from 'node:fs'
import { basename } from 'node:path'
import type { importChannels } from '../../../shared/ipc/channels/imports'
import { AppError } from '../../../shared/ipc/envelope'
import type { BackendContext } from '../context'
import type { Handler } from '../dispatch'
import {
  deleteMapping,
  getRun,
  listMappings,
  listRuns,
  markInterruptedRuns,
  saveMapping,
} from './import-runs'
import type { ImportService } from './import-service'
import { prepareImport, toPreview } from './import-setup'
import { Uploads } from './uploads'

export type ImportHandlers = { [C in keyof typeof importChannels]: Handler<C> }

/** The rejected-rows CSV is returned whole up to this size (the file itself has no limit). */
const MAX_ERROR_CONTENT = 64 * 1024 * 1024

/** `service` is the backend's one ImportService, shared with SFTP imports so all runs queue behind each other. */
export function createImportHandlers(ctx: BackendContext, service: ImportService): ImportHandlers {
  const interrupted = markInterruptedRuns(ctx.db, ctx.clock())
  if (interrupted > 0)
    ctx.logger.warn(
      `${interrupted} import ${interrupted === 1 ? 'run was' : 'runs were'} interrupted and marked so.`,
    )
  const uploads = new Uploads(ctx.dataDir)
  return {
    'imports.preview': async (req) => toPreview(await prepareImport(ctx.db, req), req.rows),
    'imports.upload.begin': (req) => uploads.begin(req.fileName, req.bytes),
    'imports.upload.chunk': (req) => uploads.chunk(req.uploadId, req.offset, req.data),
    'imports.upload.finish': (req) => uploads.finish(req.uploadId),
    'imports.validate': (req) => service.start(req, 'dry-run'),
    'imports.start': (req) => service.start(req, 'import'),
    'imports.run': (req) => {
      const { run, summary } = getRun(ctx.db, req.runId)
      return { run, summary }
    },
    'imports.history': (req) => listRuns(ctx.db, req),
    'imports.errors': (req) => {
      const { errorFile, run, summary } = getRun(ctx.db, req.runId)
      if (errorFile === null) {
        throw new AppError(
          'not_found',
          `Run #${req.runId} has no rejected rows${run.status === 'running' ? ' yet' : ''}.`,
          {
            runId: req.runId,
          },
        )
      }
      let bytes: number
      try {
        bytes = statSync(errorFile).size
      } catch {
        throw new AppError('not_found', `The rejected-rows file of run #${req.runId} is gone (${errorFile}).`)
      }
      if (bytes > MAX_ERROR_CONTENT) {
        throw new AppError('limit', `The rejected-rows file is ${bytes} bytes; open it from ${errorFile}.`, {
          path: errorFile,
        })
      }
      const content = readFileSync(errorFile, 'utf8')
      return {
        runId: req.runId,
        fileName: basename(errorFile),
        path: errorFile,
        bytes,
        rows: summary?.errorFile?.rows ?? Math.max(0, content.split('\r\n').length - 2),
        content,
      }
    },
    'imports.mappings.list': (req) => ({ items: listMappings(ctx.db, req.kind) }),
    'imports.mappings.save': (req) => saveMapping(ctx.db, req.name, req.mapping, ctx.clock()),
    'imports.mappings.delete': (req) => ({ deleted: deleteMapping(ctx.db, req.name) }),
  }
}
