// The planner of a push: a chunk of the outbox (coalesced per profile: outbox-queue.ts planUnits) cut
// into requests, uploads of at most `batchSize` records and deletes of at most 100 profiles. A task
// that holds a profile follows the last task that held it, so a profile's changes arrive in order.
import { planUnits, type OutboxRow, type PlannedDelete, type PlannedRecord } from './outbox-coalesce'
import type { PooledTask } from './push-pool'

const MAX_DELETE_VALUES = 100
/** The upload API takes at most 1000 records per request. */
const MAX_BATCH = 1000

/** A request to make: upload records, or delete profiles; it starts once the tasks it follows are done. */
export interface Task extends PooledTask {
  records: PlannedRecord[]
  deletes: PlannedDelete[]
  done: Promise<void>
}

function newTask(): Task {
  let finish = () => {}
  const done = new Promise<void>((resolve) => (finish = resolve))
  return { records: [], deletes: [], after: new Set(), done, finish }
}

export class PushPlanner {
  /** The last task that held each profile, across chunks. */
  private readonly lastTaskOf = new Map<string, Task>()
  private readonly batchSize: number

  constructor(private readonly options: { installId: string; idempotencyKeys: boolean; batchSize: number }) {
    this.batchSize = Math.max(1, Math.min(options.batchSize, MAX_BATCH))
  }

  /** The upload and delete tasks of one chunk of outbox rows. */
  plan(rows: readonly OutboxRow[]): { uploads: Task[]; deletes: Task[] } {
    const uploads: Task[] = []
    const deletes: Task[] = []
    let upload = newTask()
    let removal = newTask()
    const { installId, idempotencyKeys } = this.options
    for (const unit of planUnits(rows, { installId, idempotencyKeys })) {
      if (unit.kind === 'delete') {
        if (removal.deletes.length >= MAX_DELETE_VALUES) {
          deletes.push(removal)
          removal = newTask()
        }
        this.follow(removal, unit.objectId)
        removal.deletes.push(unit.delete)
        continue
      }
      for (const record of unit.records) {
        if (upload.records.length >= this.batchSize) {
          uploads.push(upload)
          upload = newTask()
        }
        this.follow(upload, unit.objectId)
        upload.records.push(record)
      }
    }
    if (upload.records.length > 0) uploads.push(upload)
    if (removal.deletes.length > 0) deletes.push(removal)
    return { uploads, deletes }
  }

  private follow(task: Task, objectId: string): void {
    const previous = this.lastTaskOf.get(objectId)
    if (previous && previous !== task) task.after.add(previous.done)
    this.lastTaskOf.set(objectId, task)
  }
}
