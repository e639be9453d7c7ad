// Handler of sample.load: generated sample data, loaded as a job.
import type { Services } from '../../../core/index'
import { startSampleLoad } from '../../../core/sample/index'
import type { HandlersOf } from '../dispatch'

export function createSampleHandlers({ context }: Services): HandlersOf<'sample.load'> {
  return {
    'sample.load': (req) => startSampleLoad(context, { profiles: req.profiles }),
  }
}
