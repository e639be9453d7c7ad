// How the renderer reaches the backend: the preload's bridge (Electron) or the web host's HTTP wire
// protocol. Both are typed from the one contract; the names here are shared by the two ends.
import type { Channel, RequestOf, ResponseOf } from './contract'
import type { Envelope } from './envelope'
import type { EventMap, EventName } from './events'

/** What the Electron preload exposes as `window.profileDesk`: exactly these two functions. */
export interface ProfileDeskBridge {
  invoke<C extends Channel>(channel: C, request: RequestOf<C>): Promise<Envelope<ResponseOf<C>>>
  /** Subscribes to a pushed event; returns the function that unsubscribes. */
  on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void): () => void
}

/** The global name of the bridge in the renderer (`window.profileDesk`). */
export const BRIDGE_GLOBAL = 'profileDesk'

/** Electron IPC: `ipcRenderer.invoke(IPC_RPC, channel, request)` and `webContents.send(IPC_EVENT, name, payload)`. */
export const IPC_RPC = 'rpc'
export const IPC_EVENT = 'event'

/**
 * The web host's wire protocol (HTTP on 127.0.0.1):
 * - `POST /rpc/<channel>` with `Authorization: Bearer <token>` and the request as a JSON body; the reply
 *   is always the JSON envelope (status 200, also for error envelopes). 401 without a valid token.
 * - `GET /events?token=<token>`: Server-Sent Events, `event: <name>` and `data: <json payload>`.
 * - The page learns the token from its URL fragment, `#token=<token>`, which is never sent to the server.
 */
export const WEB_RPC_PREFIX = '/rpc/'
export const WEB_EVENTS_PATH = '/events'
export const WEB_TOKEN_PARAM = 'token'
