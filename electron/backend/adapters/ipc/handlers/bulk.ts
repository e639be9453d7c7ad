// Handlers of the bulk edit, History and undo channels (bulk.*, history.*, undo.*): each a call into core/bulk.
import type { Channel } from '../../../../../shared/ipc/contract'
import type { Services } from '../../../core/index'
import type { HandlersOf } from '../dispatch'

export type BulkHandlers = HandlersOf<
  Extract<Channel, `bulk.${string}` | `history.${string}` | `undo.${string}`>
>

export function createBulkHandlers({ bulk }: Services): BulkHandlers {
  return {
    'bulk.preview': (req) => bulk.preview(req.selection, req.action),
    'bulk.start': async (req) => ({ jobId: (await bulk.start(req.selection, req.action)).jobId }),
    'history.list': (req) =>
      bulk.history({ kind: req.kind, since: req.since, profile: req.profile }, req.offset, req.limit),
    'history.get': (req) => bulk.changeSet(req.id),
    'history.entries': (req) => bulk.entries(req.id, req.offset, req.limit),
    'undo.preview': (req) => bulk.undoPreview(req.changeSet),
    'undo.start': (req) => ({
      jobId: bulk.undo({
        changeSet: req.changeSet,
        onChanged: req.onChanged,
        reuploadDeleted: req.reuploadDeleted,
      }).jobId,
    }),
  }
}
