// Handlers of the import channels (shared/ipc/channels/imports.ts), spread into ../handlers.ts. Files come
// by handle (file-grants.ts), never by path; an upload is deleted once its import ends. At start-up, runs
// left "running" by a process that died are marked interrupted.
import { readFileSync, statSync } from 'node:fs'
import { basename } from 'node:path'
import type { ImportRunMode, importChannels } from '../../../../../shared/ipc/channels/imports'
import { AppError } from '../../../../../shared/ipc/envelope'
import type { ParsedRequestOf } from '../../../../../shared/ipc/contract'
import type { BackendContext } from '../../../core/platform/context'
import type { Handler } from '../dispatch'
import type { ChosenFiles } from '../../../core/imports/file-grants'
import {
  deleteMapping,
  getRun,
  listMappings,
  listRuns,
  markInterruptedRuns,
  saveMapping,
} from '../../../core/imports/import-runs'
import type { ImportService } from '../../../core/imports/import-service'
import { prepareImport, toPreview } from '../../../core/imports/import-setup'

export type ImportHandlers = { [C in keyof typeof importChannels]: Handler<C> }

/** The rejected-rows CSV is returned whole up to this size (the file itself has no limit). */
const MAX_ERROR_CONTENT = 64 * 1024 * 1024

type RunRequest = ParsedRequestOf<'imports.start'>

/**
 * `service` is the backend's one ImportService, shared with SFTP imports so all runs queue behind each
 * other; `files` the grants and uploads that handles name.
 */
export function createImportHandlers(
  ctx: BackendContext,
  service: ImportService,
  files: ChosenFiles,
): ImportHandlers {
  const interrupted = markInterruptedRuns(ctx.db, ctx.clock())
  if (interrupted > 0)
    ctx.logger.warn(
      `${interrupted} import ${interrupted === 1 ? 'run was' : 'runs were'} interrupted and marked so.`,
    )
  const { grants, uploads } = files

  /** A dry run or an import of a chosen file; an upload is kept while it runs and deleted after an import. */
  const run = async (req: RunRequest, mode: ImportRunMode) => {
    const file = grants.resolve(req.file)
    const release = file.uploadId === null ? () => undefined : uploads.hold(file.uploadId)
    let started: { jobId: string; runId: number }
    try {
      const { kind, mapping, encoding, saveMappingAs } = req
      started = await service.start(
        { path: file.path, handle: file.handle, kind, mapping, encoding, saveMappingAs },
        mode,
      )
    } catch (error) {
      // Refused before it began (a mapping problem, another import running): the file stays chosen.
      release()
      throw error
    }
    void ctx.jobs
      .wait(started.jobId)
      .catch(() => undefined)
      .then(() => {
        release()
        // Success, failure or cancel: the copy of the person's data has served its purpose.
        if (mode === 'import' && file.uploadId !== null) uploads.discard(file.uploadId)
      })
    return started
  }

  return {
    'imports.preview': async (req) => {
      const { path } = grants.resolve(req.file)
      return toPreview(await prepareImport(ctx.db, { ...req, path }), req.rows)
    },
    'imports.upload.begin': (req) => uploads.begin(req.fileName, req.bytes),
    'imports.upload.chunk': (req) => uploads.chunk(req.uploadId, req.offset, req.data),
    'imports.upload.finish': (req) => uploads.finish(req.uploadId),
    'imports.upload.discard': (req) => ({ discarded: uploads.discard(req.uploadId) }),
    'imports.validate': (req) => run(req, 'dry-run'),
    'imports.start': (req) => run(req, 'import'),
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
