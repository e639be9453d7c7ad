// The one IPC entry point: `rpc` from the renderer, checked for its sender, relayed to the backend.
// Replies are envelopes, never thrown errors (Electron would reduce those to a string).
import type { IpcMain, IpcMainInvokeEvent } from 'electron'
import type { Envelope } from '../../shared/ipc/envelope'
import { IPC_RPC } from '../../shared/ipc/bridge'
import type { SenderFrame } from './security'

export type Relay = (channel: string, request: unknown) => Promise<Envelope<unknown>>

export function registerRpcHandler(
  ipc: Pick<IpcMain, 'handle' | 'removeHandler'>,
  relay: Relay,
  isTrustedSender: (frame: SenderFrame | null | undefined) => boolean,
): () => void {
  ipc.handle(IPC_RPC, async (event: IpcMainInvokeEvent, channel: unknown, request: unknown) => {
    if (!isTrustedSender(event.senderFrame)) {
      const refused: Envelope<never> = {
        ok: false,
        error: { code: 'unauthorized', message: 'This page is not allowed to call Profile Desk.' },
      }
      return refused
    }
    if (typeof channel !== 'string') {
      const invalid: Envelope<never> = {
        ok: false,
        error: { code: 'validation', message: 'The channel name must be a string.' },
      }
      return invalid
    }
    return relay(channel, request)
  })
  return () => ipc.removeHandler(IPC_RPC)
}
