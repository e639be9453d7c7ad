// Help › About: the version, the data folder, the database's size and what runs the app.
import { statSync } from 'node:fs'
import { join } from 'node:path'
import { DATABASE_FILE } from '../backend/core/platform/index'

function size(file: string): number {
  try {
    return statSync(file).size
  } catch {
    return 0
  }
}

export function aboutDetail(dataDir: string, versions: Partial<Record<string, string>>): string {
  const file = join(dataDir, DATABASE_FILE)
  const bytes = size(file) + size(`${file}-wal`)
  return [
    `Data folder: ${dataDir}`,
    `Database size: ${(bytes / (1024 * 1024)).toFixed(1)} MB`,
    `Electron ${versions.electron ?? '?'}, Chromium ${versions.chrome ?? '?'}, Node ${versions.node ?? '?'}`,
  ].join('\n')
}
