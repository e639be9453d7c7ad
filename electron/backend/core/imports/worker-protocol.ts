// Messages between the backend and an import worker thread.
import type { ImportSummary } from '../../../../shared/ipc/channels/imports'
import type { AppErrorShape } from '../../../../shared/ipc/envelope'
import type { WriteFigures } from './import-checkpoints'

export type ToWorker = { type: 'cancel' }

export type FromWorker =
  | { type: 'progress'; phase: string; done: number; total: number | null }
  | { type: 'changed' }
  | { type: 'done'; summary: ImportSummary; figures: WriteFigures }
  | { type: 'failed'; error: AppErrorShape }
