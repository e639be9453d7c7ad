// Channels of backup and restore: make a backup now, list them with their settings, change the settings,
// and restore (a backup by name, or a chosen or uploaded file by handle; only with confirm: true).
import { z } from 'zod'
import {
  MAX_BACKUPS_KEPT,
  type BackupOverview,
  type BackupSlice,
  type BackupSettingsView,
  type CreatedBackup,
  type RestoreResult,
} from '../../backup/types'
import { channel } from '../channel'
import { fileHandle } from '../file-handle'

export const backupName = z
  .string()
  .regex(/^[\w.-]{1,200}\.db$/, { error: 'must be the name of a backup in the backups folder' })

export const backupChannels = {
  'backup.create': channel<CreatedBackup>()(z.object({}).strict()),
  'backup.list': channel<BackupOverview>()(z.object({}).strict()),
  /** A backup's bytes in slices (base64), for a browser download: no path or URL leaves the backend. */
  'backup.read': channel<BackupSlice>()(
    z
      .object({
        backup: backupName,
        offset: z.number().int().min(0),
      })
      .strict(),
  ),
  'backup.settings.update': channel<BackupSettingsView>()(
    z
      .object({
        auto: z.boolean().optional(),
        keep: z.number().int().min(1).max(MAX_BACKUPS_KEPT).optional(),
      })
      .strict(),
  ),
  'backup.restore': channel<RestoreResult>()(
    z
      .object({
        /** The person confirmed that the current database is replaced (it is kept aside). */
        confirm: z.literal(true, { error: 'restore replaces the database: confirm it first' }),
        backup: backupName.optional(),
        file: fileHandle.optional(),
      })
      .strict()
      .refine((r) => (r.backup === undefined) !== (r.file === undefined), {
        error: 'give either a backup name or a file handle',
      }),
  ),
} as const
