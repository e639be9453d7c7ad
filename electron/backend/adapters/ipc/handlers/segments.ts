// Handlers of the segment channels (segments.*): each a call into core/segments.
import type { Channel } from '../../../../../shared/ipc/contract'
import { AppError } from '../../../../../shared/ipc/envelope'
import type { Services } from '../../../core/index'
import type { HandlersOf } from '../dispatch'

export type SegmentHandlers = HandlersOf<Extract<Channel, `segments.${string}`>>

function notYet(): never {
  throw new AppError('internal', 'Segments: not implemented yet.')
}

export function createSegmentHandlers(_services: Services): SegmentHandlers {
  return {
    'segments.vocabulary': notYet,
    'segments.count': notYet,
    'segments.members': notYet,
    'segments.list': notYet,
    'segments.get': notYet,
    'segments.save': notYet,
    'segments.rename': notYet,
    'segments.duplicate': notYet,
    'segments.delete': notYet,
    'segments.importDefinition': notYet,
    'segments.exportDefinition': notYet,
    'segments.export': notYet,
    'segments.exportFile': notYet,
  }
}
