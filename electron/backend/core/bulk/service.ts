// The bulk edit, History and undo service (issue 14): previews and starts bulk jobs, lists change sets,
// previews and starts undo jobs. Built by the composition root (core/services.ts).
import type {
  BulkAction,
  BulkPreview,
  BulkSelection,
  ChangeEntry,
  ChangeSetSummary,
  HistoryFilter,
  UndoPreview,
} from '../../../../shared/bulk/types'
import { AppError } from '../../../../shared/ipc/envelope'
import type { JobHandle } from '../../../../shared/jobs/job-kinds'
import { changeSetEntries, listChangeSets } from '../changes/change-set-reads'
import type { BackendContext } from '../context'
import { backgroundCheckpointsSettled } from '../db/background-checkpoint'
import type { ImportService } from '../imports/import-service'
import { lookupProfileRow } from '../profiles/lookup'
import { loadCustomTypes } from '../profiles/properties'
import type { SegmentService } from '../segments/service'
import { checkAction } from './actions'
import { runBulk, waitForImports } from './bulk-job'
import { blockedError, buildPreview, classify, exclusionLimit } from './preview'
import { assertIdsExist, resolveSelection } from './selection'
import { buildUndoPreview, requireChangeSet } from './undo-plan'
import { checkUndo, runUndo, type UndoRequest } from './undo'

export type { UndoRequest } from './undo'

export class BulkService {
  constructor(
    private readonly ctx: BackendContext,
    private readonly deps: { imports: ImportService; segments: SegmentService },
  ) {
    // A job's WAL checkpoint runs after it, in a worker thread: the database closes once it has ended.
    ctx.onClose(() => backgroundCheckpointsSettled())
  }

  /** The selection's profiles (internal ids), the action checked once for everyone. */
  private async resolve(selection: BulkSelection, action: BulkAction): Promise<Int32Array> {
    checkAction(action, loadCustomTypes(this.ctx.db))
    const ids = await resolveSelection(this.ctx.db, this.deps.segments, selection, this.ctx.clock())
    assertIdsExist(selection, ids)
    return ids
  }

  async preview(selection: BulkSelection, action: BulkAction): Promise<BulkPreview> {
    const ids = await this.resolve(selection, action)
    return buildPreview(this.ctx.db, action, ids, loadCustomTypes(this.ctx.db))
  }

  /** Starts the `bulk` job; an exclusion past the control-group limit is refused here, before any write. */
  async start(selection: BulkSelection, action: BulkAction): Promise<JobHandle & { done: Promise<void> }> {
    const ids = await this.resolve(selection, action)
    if (action.action === 'exclude') {
      const db = this.ctx.db
      const limit = exclusionLimit(db, action, classify(db, action, ids, loadCustomTypes(db)).willChange)
      if (limit.blocked !== null) throw blockedError(limit.blocked, limit.view)
    }
    return this.ctx.jobs.start('bulk', (control) =>
      runBulk(this.ctx, this.deps.imports, { selection, action, ids }, control),
    )
  }

  history(
    filter: HistoryFilter,
    offset: number,
    limit: number,
  ): { items: ChangeSetSummary[]; total: number } {
    const profile = filter.profile === undefined ? undefined : this.profileKey(filter.profile)
    return listChangeSets(
      this.ctx.db,
      {
        ...(filter.kind === undefined ? {} : { kind: filter.kind }),
        ...(filter.since === undefined ? {} : { since: filter.since }),
        ...(profile === undefined ? {} : { profile }),
      },
      { offset, limit },
    )
  }

  /** A profile's CleverTap ID from a lookup key; a deleted profile is still found by its id. */
  private profileKey(key: string): string {
    try {
      return lookupProfileRow(this.ctx.db, key).object_id
    } catch (error) {
      if (error instanceof AppError && error.code === 'not_found') return key
      throw error
    }
  }

  changeSet(id: number): ChangeSetSummary {
    return requireChangeSet(this.ctx.db, id)
  }

  entries(id: number, offset: number, limit: number): { items: ChangeEntry[]; total: number } {
    requireChangeSet(this.ctx.db, id)
    return changeSetEntries(this.ctx.db, id, { offset, limit })
  }

  undoPreview(id: number): UndoPreview {
    return buildUndoPreview(this.ctx.db, id)
  }

  /** Starts the `undo` job; refused before it starts when it cannot run or needs a choice first. */
  undo(request: UndoRequest): JobHandle & { done: Promise<void> } {
    checkUndo(this.ctx, request)
    return this.ctx.jobs.start('undo', async (control) => {
      // An undo waits for an import like a bulk job does (same queue, same phase).
      if ((await waitForImports(this.deps.imports, control)) === false)
        throw new AppError('cancelled', 'Cancelled.')
      return runUndo(this.ctx, request, control)
    })
  }
}
