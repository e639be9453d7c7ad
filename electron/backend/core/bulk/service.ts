// The bulk edit, History and undo service (issue 14): previews and starts bulk jobs, lists change sets,
// previews and starts undo jobs. Built by the composition root (core/services.ts).
import type {
  BulkAction,
  BulkPreview,
  BulkSelection,
  ChangeEntry,
  ChangeSetSummary,
  HistoryFilter,
  UndoChoice,
  UndoPreview,
} from '../../../../shared/bulk/types'
import { AppError } from '../../../../shared/ipc/envelope'
import type { JobHandle } from '../../../../shared/jobs/job-kinds'
import type { BackendContext } from '../context'
import type { ImportService } from '../imports/import-service'
import type { SegmentService } from '../segments/service'

export interface UndoRequest {
  changeSet: number
  onChanged?: UndoChoice
  reuploadDeleted: boolean
}

function building(): never {
  throw new AppError('internal', 'Bulk edit and undo are not built yet in this version.')
}

export class BulkService {
  constructor(
    readonly ctx: BackendContext,
    readonly deps: { imports: ImportService; segments: SegmentService },
  ) {}

  preview(_selection: BulkSelection, _action: BulkAction): Promise<BulkPreview> {
    return building()
  }

  start(_selection: BulkSelection, _action: BulkAction): Promise<JobHandle> {
    return building()
  }

  history(
    _filter: HistoryFilter,
    _offset: number,
    _limit: number,
  ): { items: ChangeSetSummary[]; total: number } {
    return building()
  }

  changeSet(_id: number): ChangeSetSummary {
    return building()
  }

  entries(_id: number, _offset: number, _limit: number): { items: ChangeEntry[]; total: number } {
    return building()
  }

  undoPreview(_id: number): UndoPreview {
    return building()
  }

  undo(_request: UndoRequest): Promise<JobHandle> {
    return building()
  }
}
