// Handlers of the segment channels (segments.*): each a call into core/segments.
import type { Channel } from '../../../../../shared/ipc/contract'
import { segmentDefinition } from '../../../../../shared/ipc/channels/segments'
import { AppError } from '../../../../../shared/ipc/envelope'
import type { Services } from '../../../core/index'
import {
  deleteSegment,
  duplicateSegment,
  exportDefinition,
  getSegment,
  listSegments,
  readSegmentFile,
  renameSegment,
  saveSegment,
  timeZoneView,
  updateTimeZone,
} from '../../../core/segments/index'
import type { HandlersOf } from '../dispatch'

export type SegmentHandlers = HandlersOf<Extract<Channel, `segments.${string}`>>

export function createSegmentHandlers({ context: ctx, segments }: Services): SegmentHandlers {
  return {
    'segments.vocabulary': () => segments.vocabulary(),
    'segments.count': (req) => segments.count(req),
    'segments.members': (req) => segments.members(req),
    'segments.engineStatus': () => segments.engineStatus(),
    'segments.timeZone': () => timeZoneView(ctx.db),
    'segments.timeZone.set': (req) => updateTimeZone(ctx.db, req.zone),
    'segments.list': () => ({ items: listSegments(ctx.db) }),
    'segments.get': (req) => getSegment(ctx.db, req.id),
    'segments.save': (req) => {
      segments.checkDefinition(req.definition)
      return saveSegment(ctx.db, ctx.clock(), req)
    },
    'segments.rename': (req) => renameSegment(ctx.db, ctx.clock(), req.id, req.name),
    'segments.duplicate': (req) => duplicateSegment(ctx.db, ctx.clock(), req.id, req.name),
    'segments.delete': (req) => deleteSegment(ctx.db, req.id),
    'segments.importDefinition': (req) => {
      const file = readSegmentFile(req.content)
      const parsed = segmentDefinition.safeParse(file.definition)
      if (!parsed.success) {
        const issue = parsed.error.issues[0]
        throw new AppError(
          'validation',
          `The segment file's definition is malformed at ${issue?.path.join('.') || '(definition)'}: ${issue?.message ?? 'unknown shape'}.`,
        )
      }
      segments.checkDefinition(parsed.data)
      return saveSegment(ctx.db, ctx.clock(), { name: req.name ?? file.name, definition: parsed.data })
    },
    'segments.exportDefinition': (req) => exportDefinition(ctx.db, req.id),
    'segments.export': (req) => ({ jobId: segments.startExport(req).jobId }),
    'segments.exportFile': (req) => segments.exportFile(req.fileName),
  }
}
