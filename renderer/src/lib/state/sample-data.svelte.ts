// Loading sample data on an empty database: the `sample.load` job, followed, cancellable and reported
// like any page-started job. Also picks up a sample job that was already running before a reload.
import { api } from '../api/client'
import { formatCount } from '../format/counts'
import { ReportedJob } from './job-run.svelte'
import { kindIs } from './jobs.svelte'

export const SAMPLE_PROFILES = 2000

export const isSampleJob = kindIs('sample.load')

export const sampleData = new ReportedJob({
  kind: 'sample.load',
  of: isSampleJob,
  launch: () => api.call('sample.load', { profiles: SAMPLE_PROFILES }),
  succeeded: (summary) =>
    summary ? `Loaded ${formatCount(summary.profiles)} sample profiles.` : 'Sample data loaded.',
  cancelled: 'Loading sample data was cancelled.',
  failed: 'Loading sample data failed.',
})
