// Messages between the backend and the segments worker. Changes travel on the same port as requests, so
// the worker applies every change announced before a request arrives before it answers that request.
import type { SortField } from '../../../../shared/profile/search'
import type { SegmentDefinition } from '../../../../shared/segments/definition'
import type { SegmentEngineStatus } from '../../../../shared/segments/types'
import type { AudienceTally } from '../devices/segment-audience'
import type { CountResult } from './engine'

export interface WorkerSetup {
  databaseFile: string
  /** An Int32Array over a SharedArrayBuffer: per client slot, its newest count ticket (older ones stop). */
  latest: SharedArrayBuffer
  /** Start loading the common shapes' columns at once (warm-up.ts), not on the first question. */
  warmUp?: boolean
}

export interface MemberPageRequest {
  sort: SortField
  direction: 'asc' | 'desc'
  offset: number
  limit: number
}

export type ToWorker =
  | {
      type: 'count'
      ticket: number
      /** The asking client's slot in `latest`. */
      slot: number
      definition: SegmentDefinition
      perItem: boolean
      nowMs: number
    }
  | { type: 'page'; ticket: number; definitions: SegmentDefinition[]; nowMs: number; page: MemberPageRequest }
  | { type: 'ids'; ticket: number; definitions: SegmentDefinition[]; nowMs: number }
  | { type: 'audience'; ticket: number; definitions: SegmentDefinition[]; nowMs: number }
  | { type: 'status'; ticket: number }
  | { type: 'changed'; ids: string[]; all: boolean }

export type WorkerReply =
  | { type: 'count'; ticket: number; result: CountResult | 'superseded' }
  | { type: 'page'; ticket: number; ids: number[]; total: number }
  | { type: 'ids'; ticket: number; ids: Int32Array }
  | { type: 'audience'; ticket: number; tally: AudienceTally }
  | { type: 'status'; ticket: number; status: SegmentEngineStatus }
  | { type: 'failed'; ticket: number; error: { code: string; message: string; details?: unknown } }
