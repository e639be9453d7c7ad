// The backup feature's public surface for adapters.
export { databaseBytes } from './backup-file'
export type { BackupService } from './backup-service'
