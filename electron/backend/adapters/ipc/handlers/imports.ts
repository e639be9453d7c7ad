// Handlers of the import channels (shared/ipc/channels/imports.ts): each a call into core/imports. Files
// come by handle, never by path (core/imports/chosen-file-runs.ts).
import type { importChannels } from '../../../../../shared/ipc/channels/imports'
import type { Services } from '../../../core/index'
import {
  deleteMapping,
  getRun,
  listMappings,
  listRuns,
  previewChosenFile,
  readRejectedRows,
  runChosenFile,
  saveMapping,
} from '../../../core/imports/index'
import type { Handler } from '../dispatch'

export type ImportHandlers = { [C in keyof typeof importChannels]: Handler<C> }

export function createImportHandlers({ context: ctx, imports, files }: Services): ImportHandlers {
  const { uploads } = files
  return {
    'imports.preview': (req) => previewChosenFile(ctx, files, req),
    'imports.upload.begin': (req) => uploads.begin(req.fileName, req.bytes),
    'imports.upload.chunk': (req) => uploads.chunk(req.uploadId, req.offset, req.data),
    'imports.upload.finish': (req) => uploads.finish(req.uploadId),
    'imports.upload.discard': (req) => ({ discarded: uploads.discard(req.uploadId) }),
    'imports.validate': (req) => runChosenFile(ctx, imports, files, req, 'dry-run'),
    'imports.start': (req) => runChosenFile(ctx, imports, files, req, 'import'),
    'imports.run': (req) => {
      const { run, summary } = getRun(ctx.db, req.runId)
      return { run, summary }
    },
    'imports.history': (req) => listRuns(ctx.db, req),
    'imports.errors': (req) => readRejectedRows(ctx.db, req.runId),
    'imports.mappings.list': (req) => ({ items: listMappings(ctx.db, req.kind) }),
    'imports.mappings.save': (req) => saveMapping(ctx.db, req.name, req.mapping, ctx.clock()),
    'imports.mappings.delete': (req) => ({ deleted: deleteMapping(ctx.db, req.name) }),
  }
}
