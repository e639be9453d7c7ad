// A restore of a whole data folder: the backup checked, the folder taken alone (refused while another
// process holds it), the running backend stopped, the database swapped (the old one kept aside).
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { AppError } from '../../../../shared/ipc/envelope'
import { latestVersion, type Migration } from '../db/migrate'
import { DATABASE_FILE } from '../platform/data-folder'
import { FolderHold } from '../platform/folder-hold'
import { ensurePrivateDir } from '../platform/private-files'
import { checkRestorable } from './backup-file'
import { backupFolder, stampOf, unusedName } from './names'
import { readDeliveryState, swapInBackup, type DeliveryState } from './restore'

export interface RestorePlan {
  dataDir: string
  /** The backup to put in place (a path the backend may read). */
  backup: string
  migrations: readonly Migration[]
  clock: () => number
  /** Releases this backend's own shared hold (a CLI command without a backend has none). */
  releaseOwnHold(): void
  /** Takes it back after a refusal. */
  retakeOwnHold(): void
  /** Reads what the current database knows of delivery, then stops everything that uses it. */
  stop(): Promise<DeliveryState | null>
}

export interface RestoreOutcome {
  /** Where the database that was replaced now lies. */
  keptAside: string
  /** Entries of the backup's queue the remote had already accepted: taken out of the queue. */
  alreadySent: number
}

export const FOLDER_BUSY =
  'Another Profile Desk (the app, the browser app or a command) is using this data folder. Close it, then restore again.'

export async function restoreDataFolder(plan: RestorePlan): Promise<RestoreOutcome> {
  checkRestorable(plan.backup, latestVersion(plan.migrations))
  ensurePrivateDir(plan.dataDir)
  plan.releaseOwnHold()
  const alone = FolderHold.alone(plan.dataDir)
  if (!alone) {
    plan.retakeOwnHold()
    throw new AppError('conflict', FOLDER_BUSY)
  }
  try {
    const delivery = await plan.stop()
    const folder = backupFolder(plan.dataDir)
    ensurePrivateDir(folder)
    const keptAside = unusedName(folder, `before-restore-${stampOf(plan.clock())}`)
    const { acceptedSince } = swapInBackup({
      databaseFile: join(plan.dataDir, DATABASE_FILE),
      backup: plan.backup,
      aside: keptAside,
      migrations: plan.migrations,
      delivery,
    })
    return { keptAside, alreadySent: acceptedSince }
  } finally {
    alone.release()
  }
}

/** The delivery state of a database file no backend has open (the CLI's restore); null if unreadable. */
export function readDeliveryFromFile(file: string): DeliveryState | null {
  let db: Database.Database | null = null
  try {
    db = new Database(file, { readonly: true, fileMustExist: true })
    return readDeliveryState(db)
  } catch {
    return null
  } finally {
    db?.close()
  }
}
