// The native dialog channels as the backend answers them: it has no windows, so "not available here".
// In Electron the main process answers these channels itself and they never reach the backend.
import type { dialogChannels } from '../../../../../shared/ipc/channels/dialogs'
import type { Handler } from '../dispatch'

export type DialogHandlers = { [C in keyof typeof dialogChannels]: Handler<C> }

export function createDialogHandlers(): DialogHandlers {
  return {
    'dialog.openFile': () => ({ file: null, available: false }),
  }
}
