// Loading sample data on an empty database: the `sample.load` job, followed, cancellable and reported
// like any page-started job. Also picks up a sample job that was already running before a reload.
import { api } from '../api/client'
import { formatCount } from '../format/counts'
import { JobRun } from './tracked-job.svelte'

export const SAMPLE_PROFILES = 2000

export function isSampleJob(kind: string): boolean {
  return kind.startsWith('sample')
}

export const sampleData = new JobRun({
  kind: 'sample.load',
  matches: isSampleJob,
  launch: () => api.call('sample.load', { profiles: SAMPLE_PROFILES }),
  succeeded: (job) => {
    const profiles = job.summary?.['profiles']
    return typeof profiles === 'number'
      ? `Loaded ${formatCount(profiles)} sample profiles.`
      : 'Sample data loaded.'
  },
  cancelled: 'Loading sample data was cancelled.',
  failed: 'Loading sample data failed.',
})
