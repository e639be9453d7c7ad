// Handlers of the backup channels (shared/ipc/channels/backup.ts): each a call into core/backup. A restore
// takes a backup by name or a chosen / uploaded file by handle (an upload's copy is deleted afterwards).
import type { backupChannels } from '../../../../../shared/ipc/channels/backup'
import { AppError } from '../../../../../shared/ipc/envelope'
import type { Services } from '../../../core/index'
import type { Handler } from '../dispatch'

export type BackupHandlers = { [C in keyof typeof backupChannels]: Handler<C> }

export function createBackupHandlers({ backup, files }: Services): BackupHandlers {
  return {
    'backup.create': () => backup.create(),
    'backup.list': () => backup.overview(),
    'backup.read': (req) => backup.readSlice(req.backup, req.offset),
    'backup.settings.update': (req) => backup.updateSettings(req),
    'backup.restore': async (req) => {
      if (req.backup !== undefined) {
        const path = backup.fileOf(req.backup)
        if (!path)
          throw new AppError('not_found', `There is no backup called ${req.backup} in ${backup.folder}.`)
        return backup.restore(path)
      }
      const chosen = files.grants.resolve(req.file ?? '')
      try {
        return await backup.restore(chosen.path)
      } finally {
        if (chosen.uploadId) files.uploads.discard(chosen.uploadId)
      }
    },
  }
}
