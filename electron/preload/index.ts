// The preload: exposes exactly { invoke, on } as window.profileDesk. Nothing else of Electron or Node
// reaches the page; listeners never see the IPC event object (it carries the sender).
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import type { Envelope } from '../../shared/ipc/envelope'
import type { ResponseOf } from '../../shared/ipc/contract'
import type { EventMap } from '../../shared/ipc/events'
import { BRIDGE_GLOBAL, IPC_EVENT, IPC_RPC, type ProfileDeskBridge } from '../../shared/ipc/bridge'

const bridge: ProfileDeskBridge = {
  invoke(channel, request) {
    return ipcRenderer.invoke(IPC_RPC, channel, request) as Promise<Envelope<ResponseOf<typeof channel>>>
  },
  on(event, listener) {
    const relay = (_ipcEvent: IpcRendererEvent, name: unknown, payload: unknown): void => {
      if (name === event) listener(payload as EventMap[typeof event])
    }
    ipcRenderer.on(IPC_EVENT, relay)
    return () => {
      ipcRenderer.removeListener(IPC_EVENT, relay)
    }
  },
}

contextBridge.exposeInMainWorld(BRIDGE_GLOBAL, bridge)
