// Runs whose process is gone: import and SFTP runs record the pid that runs them, so at start-up (or when
// a run is asked about) a row still marked running can be told from one another process is really doing.
import type { Db } from './connection'

/** True while a process with this pid exists (EPERM: it exists but belongs to another user). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * The ids of the rows of `table` marked running whose process is gone (killed, crashed, power cut).
 * This process's own rows count as gone: at start-up nothing of this process is running yet.
 */
export function orphanedRuns(db: Db, table: 'import_runs' | 'sftp_runs'): number[] {
  const running = db.prepare(`SELECT id, pid FROM ${table} WHERE status = 'running'`).all() as {
    id: number
    pid: number
  }[]
  return running.filter((run) => run.pid === process.pid || !processAlive(run.pid)).map((run) => run.id)
}
