// At start-up: a run that stopped before it finished (killed, crashed) leaves its downloaded files in the
// spool; they hold personal data, so every run folder whose run is no longer running is removed.
import { readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import type { Db } from '../db/connection'

/** Removes `run-N` folders of the spool whose run is not running; returns how many went. */
export function sweepSpool(db: Db, spoolDir: string): number {
  let names: string[]
  try {
    names = readdirSync(spoolDir)
  } catch {
    return 0 // no spool yet: nothing was ever downloaded
  }
  const running = new Set(
    (db.prepare("SELECT id FROM sftp_runs WHERE status = 'running'").all() as { id: number }[]).map(
      (row) => `run-${row.id}`,
    ),
  )
  let removed = 0
  for (const name of names) {
    if (!/^run-\d+$/.test(name) || running.has(name)) continue
    rmSync(join(spoolDir, name), { recursive: true, force: true })
    removed++
  }
  return removed
}
