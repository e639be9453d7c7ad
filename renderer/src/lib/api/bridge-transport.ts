// The Electron host: the preload exposes `window.profileDesk` ({ invoke, on }) and nothing else.
// The bridge is typed from the same contract and already answers with envelopes.
import { BRIDGE_GLOBAL, type ProfileDeskBridge } from '$shared/ipc/bridge'
import type { Transport } from './transport'

/** The preload's API when this page runs inside the Electron window, else null. */
export function findBridge(scope: object = globalThis): ProfileDeskBridge | null {
  const candidate = (scope as Record<string, unknown>)[BRIDGE_GLOBAL]
  if (typeof candidate !== 'object' || candidate === null) return null
  const { invoke, on } = candidate as Record<string, unknown>
  return typeof invoke === 'function' && typeof on === 'function' ? (candidate as ProfileDeskBridge) : null
}

export function createBridgeTransport(bridge: ProfileDeskBridge): Transport {
  return {
    invoke: (channel, request) => bridge.invoke(channel, request),
    on: (event, listener) => bridge.on(event, listener),
  }
}
