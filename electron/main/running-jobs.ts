// The jobs the backend is running, as main sees them in the pushed events (progress, then one
// job.finished), so quitting can ask first without a round trip to the backend.
import type { JobInfo } from '../../shared/jobs/job-kinds'
import type { JobFinishedEvent, JobProgressEvent } from '../../shared/ipc/events'

export class RunningJobs {
  private readonly running = new Map<string, JobInfo>()

  observe(name: string, payload: unknown): void {
    if (name === 'job.progress') {
      const e = payload as JobProgressEvent
      this.running.set(e.jobId, {
        jobId: e.jobId,
        kind: e.kind,
        status: 'running',
        done: e.done,
        total: e.total,
        startedAt: this.running.get(e.jobId)?.startedAt ?? Date.now(),
      })
    } else if (name === 'job.finished') {
      this.running.delete((payload as JobFinishedEvent).jobId)
    }
  }

  list(): JobInfo[] {
    return [...this.running.values()]
  }

  clear(): void {
    this.running.clear()
  }
}
