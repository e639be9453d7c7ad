// Handlers of the import channels (shared/ipc/channels/imports.ts), spread into ../handlers.ts.
import type { BackendContext } from '../context'
import type { Handler } from '../dispatch'
import type { importChannels } from '../../../shared/ipc/channels/imports'

export type ImportHandlers = { [C in keyof typeof importChannels]: Handler<C> }

export function createImportHandlers(_ctx: BackendContext): ImportHandlers {
  return {}
}
