// Channels the main process answers itself instead of relaying them to the backend: the native "open
// file" dialog needs Electron and a window to be modal to, which the backend's utility process has not.
import { dialog, type BaseWindow, type OpenDialogOptions } from 'electron'
import type { OpenFileReply } from '../../shared/ipc/channels/dialogs'
import { contract } from '../../shared/ipc/contract'
import type { Envelope } from '../../shared/ipc/envelope'
import type { Relay } from './ipc'

/** Wraps the backend relay: `dialog.openFile` is answered here with the native dialog, the rest pass on. */
export function answerDialogsInMain(relay: Relay, parent: () => BaseWindow | null): Relay {
  return (channel, request) =>
    channel === 'dialog.openFile' ? openFile(request, parent()) : relay(channel, request)
}

async function openFile(request: unknown, parent: BaseWindow | null): Promise<Envelope<OpenFileReply>> {
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
  try {
    const result = parent
      ? await dialog.showOpenDialog(parent, options)
      : await dialog.showOpenDialog(options)
    const path = result.canceled ? null : (result.filePaths[0] ?? null)
    return { ok: true, value: { path, available: true } }
  } catch (error) {
    return {
      ok: false,
      error: {
        code: 'internal',
        message: `The file dialog could not be shown: ${error instanceof Error ? error.message : String(error)}`,
      },
    }
  }
}
