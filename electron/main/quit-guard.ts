// Quitting while a job runs asks first: the person may keep working, or quit (the job is stopped cleanly;
// the next start says what was interrupted and how to go on).
import type { MessageBoxSyncOptions } from 'electron'
import type { JobInfo, JobKind } from '../../shared/jobs/job-kinds'

const NAMES: Partial<Record<JobKind, string>> = {
  'import.profiles': 'an import',
  'import.events': 'an import',
  'import.profiles.dry-run': 'a check of an import file',
  'import.events.dry-run': 'a check of an import file',
  'sync.push': 'a sync',
  'sync.pull': 'a sync',
  'sync.now': 'a sync',
  'sftp.run': 'an SFTP download',
  'sample.load': 'loading sample data',
}

/** The question, or null when nothing runs. */
export function quitQuestion(jobs: readonly JobInfo[]): MessageBoxSyncOptions | null {
  const running = jobs.filter((j) => j.status === 'running')
  if (running.length === 0) return null
  const names = [...new Set(running.map((j) => NAMES[j.kind] ?? 'a task'))]
  return {
    type: 'warning',
    buttons: ['Keep working', 'Quit anyway'],
    defaultId: 0,
    cancelId: 0,
    title: 'Quit Profile Desk?',
    message: `Profile Desk is busy with ${names.join(' and ')}.`,
    detail:
      'If you quit now it is stopped. A sync continues the next time it runs, and nothing is sent twice; ' +
      'an import goes on when you import the same file again.',
  }
}

/** True when the person chose to quit (or nothing runs). */
export function confirmQuit(
  jobs: readonly JobInfo[],
  ask: (options: MessageBoxSyncOptions) => number,
): boolean {
  const question = quitQuestion(jobs)
  return question === null || ask(question) === 1
}
