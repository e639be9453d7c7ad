// Chooses how this page reaches the backend: the Electron preload's bridge when present, else HTTP to
// the web host with the launch token; with neither, the app shows how to open it properly.
import { session } from '../state/session.svelte'
import { createBridgeTransport, findBridge } from './bridge-transport'
import { api } from './client'
import { createHttpTransport } from './http-transport'
import { forgetLaunchToken, takeLaunchToken } from './launch-token'

export function connectBackend(): void {
  const bridge = findBridge()
  if (bridge) {
    api.attach(createBridgeTransport(bridge))
    session.host = 'electron'
    return
  }
  // Always take the token out of the address bar, even when it turns out to be stale.
  const token = takeLaunchToken()
  if (!token) {
    session.status = 'no-backend'
    return
  }
  api.attach(createHttpTransport({ token }), () => {
    forgetLaunchToken()
    session.status = 'unauthorized'
  })
  session.host = 'web'
}
