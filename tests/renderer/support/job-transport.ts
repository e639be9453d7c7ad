// Attaches a fake transport for a page that runs jobs: it answers the job list (none running) and Cancel,
// and the job tracker follows its events. Returns the function that stops following them.
import { api } from '../../../renderer/src/lib/api/client'
import { jobs } from '../../../renderer/src/lib/state/jobs.svelte'
import type { FakeTransport } from '../../../test-support/fake-transport'

export function attachWithJobs(transport: FakeTransport): () => void {
  transport.handle('jobs.list', () => ({ jobs: [] })).handle('jobs.cancel', () => ({ cancelled: true }))
  api.attach(transport)
  return jobs.connect()
}
