// The page's imports: files come by handle (a grant of a file the person chose, or an upload), never by
// path. A handle is resolved at each use; an upload is held while its run goes and deleted once an import
// ends (success, failure or cancel), while a dry run leaves it for the import that follows.
import type { ImportPreview, ImportRunMode } from '../../../../shared/ipc/channels/imports'
import type { ParsedRequestOf } from '../../../../shared/ipc/contract'
import type { BackendContext } from '../context'
import type { ChosenFiles } from './file-grants'
import type { ImportService } from './import-service'
import { prepareImport, toPreview } from './import-setup'

export type ChosenFileRunRequest = ParsedRequestOf<'imports.start'>

/** The first rows of a chosen file as the mapping would read them. */
export async function previewChosenFile(
  ctx: BackendContext,
  files: ChosenFiles,
  request: ParsedRequestOf<'imports.preview'>,
): Promise<ImportPreview> {
  const { path } = files.grants.resolve(request.file)
  return toPreview(await prepareImport(ctx.db, { ...request, path }), request.rows)
}

/** A dry run or an import of a chosen file, as a job of the backend's one ImportService. */
export async function runChosenFile(
  ctx: BackendContext,
  service: ImportService,
  files: ChosenFiles,
  request: ChosenFileRunRequest,
  mode: ImportRunMode,
): Promise<{ jobId: string; runId: number }> {
  const { grants, uploads } = files
  const file = grants.resolve(request.file)
  const release = file.uploadId === null ? () => undefined : uploads.hold(file.uploadId)
  let started: { jobId: string; runId: number }
  try {
    const { kind, mapping, encoding, saveMappingAs } = request
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
