// Step 3 of a run: what happens to the imported files on the server (left, moved to processed/ under a
// name that overwrites nothing, or deleted), addressing only the listed files inside the source's folder.
import type { SftpSession } from './connection'
import { SftpFailure } from './failure'
import { updateFile } from './history'
import { remoteChild } from './names'
import { connect, type Downloaded, type Link, type RunContext } from './run-context'

/** `name.csv` in processed/ already: `name.run-12.csv`, so nothing on the server is overwritten. */
async function freeName(session: SftpSession, folder: string, name: string, runId: number): Promise<string> {
  if (!(await session.stat(remoteChild(folder, name)))) return remoteChild(folder, name)
  const dot = name.lastIndexOf('.')
  const stem = dot > 0 ? name.slice(0, dot) : name
  const extension = dot > 0 ? name.slice(dot) : ''
  for (let n = 0; n < 100; n++) {
    const candidate = remoteChild(folder, `${stem}.run-${runId}${n === 0 ? '' : `-${n}`}${extension}`)
    if (!(await session.stat(candidate))) return candidate
  }
  throw new SftpFailure('failed', `processed/ already holds ${name} and 100 other copies of it.`, false)
}

export async function finishFiles(run: RunContext, link: Link, done: Downloaded[]): Promise<void> {
  const { ctx, source } = run
  if (done.length === 0) return
  if (source.after === 'leave') {
    for (const item of done) updateFile(ctx.db, item.fileId, { after: 'left' })
    return
  }
  const what = source.after === 'move' ? 'moved to processed/' : 'deleted'
  run.progress(
    source.after === 'move' ? 'moving files to processed/' : 'deleting imported files',
    0,
    done.length,
  )
  let session: SftpSession
  try {
    session = await connect(run, link)
  } catch (error) {
    const message =
      `Imported, but not ${what}: ${(error as Error).message} ` +
      'The next run recognises it as already imported and tries again.'
    for (const item of done) updateFile(ctx.db, item.fileId, { afterError: message })
    return
  }
  const processed = remoteChild(source.folder, 'processed')
  let processedReady = false
  for (const [index, item] of done.entries()) {
    // Only ever the listed files themselves, addressed inside the source's folder.
    const names = [item.candidate.name, ...(item.candidate.manifest ? [item.candidate.manifest.name] : [])]
    try {
      if (source.after === 'move') {
        if (!processedReady) {
          const stat = await session.stat(processed)
          if (!stat) await session.mkdir(processed)
          else if (!stat.isFolder)
            throw new SftpFailure('not_a_folder', `"${processed}" is a file, not a folder.`, false)
          processedReady = true
        }
        for (const name of names) {
          const target = await freeName(session, processed, name, run.runId)
          await session.rename(remoteChild(source.folder, name), target)
        }
        updateFile(ctx.db, item.fileId, { after: 'moved' })
      } else {
        for (const name of names) await session.remove(remoteChild(source.folder, name))
        updateFile(ctx.db, item.fileId, { after: 'deleted' })
      }
    } catch (error) {
      updateFile(ctx.db, item.fileId, {
        afterError: `Imported, but not ${what}: ${(error as Error).message}`,
      })
      if (error instanceof SftpFailure && error.retryable) {
        try {
          session = await connect(run, link)
        } catch {
          // The rest get the same note below.
        }
      }
    }
    run.progress(
      source.after === 'move' ? 'moving files to processed/' : 'deleting imported files',
      index + 1,
      done.length,
    )
  }
}
