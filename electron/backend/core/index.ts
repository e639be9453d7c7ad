// The core's public surface: what the adapters may import (with each feature's index.ts and
// platform/index.ts): the composition root, the store's busy signal, the types hosts pass in.
export type { BackendContext } from './context'
export { createServices, MIGRATIONS, restoreClosedFolder, type ServicePorts, type Services } from './services'
export { isStoreBusy, STORE_BUSY } from './db/busy'
export type { JobControl } from './jobs/registry'
