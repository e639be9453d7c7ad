// The handler table: one entry per contract channel (the Handlers type checks that none is missing),
// each feature's channels from its own file. Handlers only translate a channel call into a call on the
// services the composition root built (core/services.ts); they start nothing themselves.
import type { Services } from '../../../core/index'
import type { Handlers } from '../dispatch'
import { createAppHandlers } from './app'
import { createDeviceHandlers } from './devices'
import { createBackupHandlers } from './backup'
import { createBulkHandlers } from './bulk'
import { createDialogHandlers } from './dialogs'
import { createImportHandlers } from './imports'
import { createProfileHandlers } from './profiles'
import { createSampleHandlers } from './sample'
import { createSegmentHandlers } from './segments'
import { createSftpHandlers } from './sftp'
import { createSyncHandlers } from './sync'

export function createHandlers(services: Services): Handlers {
  return {
    ...createAppHandlers(services),
    ...createProfileHandlers(services),
    ...createSampleHandlers(services),
    ...createImportHandlers(services),
    ...createSyncHandlers(services),
    ...createDialogHandlers(),
    ...createSftpHandlers(services),
    ...createDeviceHandlers(services),
    ...createSegmentHandlers(services),
    ...createBackupHandlers(services),
    ...createBulkHandlers(services),
  }
}
