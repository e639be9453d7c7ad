// Channels the main process answers itself instead of relaying them to the backend: the native "open
// file" dialog needs Electron and a window to be modal to, which the backend's utility process has not.
// The chosen path is registered with the backend, and the page gets only the file's handle and name.
import { dialog, type BaseWindow, type OpenDialogOptions } from 'electron'
import type { OpenFileReply } from '../../shared/ipc/channels/dialogs'
import { contract } from '../../shared/ipc/contract'
import type { Envelope } from '../../shared/ipc/envelope'
import type { ChosenFile } from '../../shared/ipc/file-handle'
import type { Relay } from './ipc'

/** Registers a chosen path with the backend (BackendProcess.grantFile) and answers with its handle. */
export type GrantChosenFile = (path: string) => Promise<Envelope<ChosenFile>>

/** Wraps the backend relay: `dialog.openFile` is answered here with the native dialog, the rest pass on. */
export function answerDialogsInMain(
  relay: Relay,
  parent: () => BaseWindow | null,
  grant: GrantChosenFile,
): Relay {
  return (channel, request) =>
    channel === 'dialog.openFile' ? openFile(request, parent(), grant) : relay(channel, request)
}

async function openFile(
  request: unknown,
  parent: BaseWindow | null,
  grant: GrantChosenFile,
): Promise<Envelope<OpenFileReply>> {
  const parsed = contract['dialog.openFile'].req.safeParse(request ?? {})
  if (!parsed.success) {
    const first = parsed.error.issues[0]
    return {
      ok: false,
      error: {
        code: 'validation',
        message: `Invalid request for dialog.openFile: ${first ? `${first.path.join('.') || '(request)'}: ${first.message}` : 'malformed'}.`,
      },
    }
  }
  const options: OpenDialogOptions = {
    title: parsed.data.title,
    filters: parsed.data.filters,
    properties: ['openFile'],
  }
  let path: string | null
  try {
    const result = parent
      ? await dialog.showOpenDialog(parent, options)
      : await dialog.showOpenDialog(options)
    path = result.canceled ? null : (result.filePaths[0] ?? null)
  } catch (error) {
    return {
      ok: false,
      error: {
        code: 'internal',
        message: `The file dialog could not be shown: ${error instanceof Error ? error.message : String(error)}`,
      },
    }
  }
  if (path === null) return { ok: true, value: { file: null, available: true } }
  // The backend checks the file (a file in its own data folder is refused) and hands out the handle.
  const granted = await grant(path)
  return granted.ok ? { ok: true, value: { file: granted.value, available: true } } : granted
}
