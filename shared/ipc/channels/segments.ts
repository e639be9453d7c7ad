// Channels of segments (issue 12), spread into the contract in ../contract.ts: live counts, member pages,
// saved segments, their JSON files and the CSV export job. The schemas check a definition's shape; its
// meaning (known properties, fitting operators) is checked by shared/segments/validate.ts in the backend.
import { z } from 'zod'
import type { JobHandle } from '../../jobs/job-kinds'
import { SORT_FIELDS } from '../../profile/search'
import { CHANNELS } from '../../reachability/rules'
import {
  MAX_DEFINITION_ITEMS,
  MAX_GROUP_CONDITIONS,
  MAX_IN_VALUES,
  OPERATORS,
  SEGMENT_DEFINITION_VERSION,
  type PropertyRef,
  type SegmentDefinition,
} from '../../segments/definition'
import type {
  AccountTimeZone,
  SavedSegment,
  SavedSegmentSummary,
  SegmentCountReply,
  SegmentDefinitionFile,
  SegmentEngineStatus,
  SegmentExportFile,
  SegmentMembersPage,
  SegmentVocabulary,
} from '../../segments/types'
import { channel } from '../channel'

export type * from '../../segments/types'

const key = z.string().min(1).max(256)
const text = z.string().max(1024)

export const propertyRef = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('system'), key }).strict(),
  z.object({ kind: z.literal('custom'), key }).strict(),
  z.object({ kind: z.literal('age') }).strict(),
  z.object({ kind: z.literal('type') }).strict(),
  z.object({ kind: z.literal('test') }).strict(),
  z.object({ kind: z.literal('excluded') }).strict(),
  z.object({ kind: z.literal('created') }).strict(),
  z.object({ kind: z.literal('lastSeen') }).strict(),
  z.object({ kind: z.literal('reachable'), channel: z.enum(CHANNELS) }).strict(),
]) satisfies z.ZodType<PropertyRef>

const scalar = z.union([text, z.number().finite(), z.boolean()])
const conditionValue = z.union([scalar, z.array(scalar).max(MAX_IN_VALUES)])
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date written YYYY-MM-DD')

const propertyCondition = z
  .object({
    type: z.literal('property'),
    property: propertyRef,
    op: z.enum(OPERATORS),
    value: conditionValue.optional(),
  })
  .strict()

const behaviourCondition = z
  .object({
    type: z.literal('behaviour'),
    did: z.boolean(),
    event: z.string().min(1).max(512),
    count: z
      .object({ op: z.enum(['gte', 'lte']), n: z.number().int().min(0).max(1_000_000_000) })
      .strict()
      .optional(),
    window: z
      .discriminatedUnion('kind', [
        z.object({ kind: z.literal('lastDays'), days: z.number().int().min(1).max(36_500) }).strict(),
        z.object({ kind: z.literal('between'), from: date, to: date }).strict(),
      ])
      .optional(),
    where: z
      .object({ key, op: z.enum(OPERATORS), value: conditionValue.optional() })
      .strict()
      .optional(),
  })
  .strict()

const condition = z.discriminatedUnion('type', [propertyCondition, behaviourCondition])

export const segmentDefinition = z
  .object({
    version: z.literal(SEGMENT_DEFINITION_VERSION),
    join: z.enum(['and', 'or']),
    conditions: z
      .array(
        z.union([
          condition,
          z
            .object({
              type: z.literal('group'),
              join: z.enum(['and', 'or']),
              conditions: z.array(condition).max(MAX_GROUP_CONDITIONS),
            })
            .strict(),
        ]),
      )
      .max(MAX_DEFINITION_ITEMS),
  })
  .strict() satisfies z.ZodType<SegmentDefinition>

export const segmentId = z.string().min(1).max(64)
const segmentName = z.string().trim().min(1).max(120)
export const segmentSource = z.union([
  z.object({ definition: segmentDefinition }).strict(),
  z.object({ segmentId }).strict(),
])
const columns = z.array(propertyRef).max(100)

export const segmentChannels = {
  /** The custom properties (with types) and event names a builder offers. */
  'segments.vocabulary': channel<SegmentVocabulary>()(z.object({}).strict()),
  /**
   * Counts a definition: the total and, unless `perItem` is false, each top-level item on its own. `seq`
   * numbers one client's requests (`client`: a page's own random id; absent is one shared client): a
   * request older than that client's newest one is answered `superseded`, and only by that client's.
   */
  'segments.count': channel<SegmentCountReply>()(
    z
      .object({
        seq: z.number().int().min(0),
        client: z.string().min(1).max(64).optional(),
        definition: segmentDefinition,
        perItem: z.boolean().default(true),
      })
      .strict(),
  ),
  /** Whether counts are warming up (the count engine still loading its columns) or ready. */
  'segments.engineStatus': channel<SegmentEngineStatus>()(z.object({}).strict()),
  /** The account's time zone (Settings) that segment dates and "in the last N days" use. */
  'segments.timeZone': channel<AccountTimeZone>()(z.object({}).strict()),
  /** Sets the account's time zone (an IANA name or GMT±HHMM); null goes back to this computer's. */
  'segments.timeZone.set': channel<AccountTimeZone>()(
    z.object({ zone: z.string().trim().min(1).max(64).nullable() }).strict(),
  ),
  /** A page of members, sorted like Find People (by name first), with the chosen columns' values. */
  'segments.members': channel<SegmentMembersPage>()(
    z
      .object({
        source: segmentSource,
        sort: z.enum(SORT_FIELDS).default('name'),
        direction: z.enum(['asc', 'desc']).default('asc'),
        columns: columns.default([]),
        offset: z.number().int().min(0).max(10_000_000).default(0),
        limit: z.number().int().min(1).max(500).default(50),
      })
      .strict(),
  ),
  'segments.list': channel<{ items: SavedSegmentSummary[] }>()(z.object({}).strict()),
  'segments.get': channel<SavedSegment>()(z.object({ id: segmentId }).strict()),
  /** Creates a saved segment, or with `id` replaces that one's definition (and name). */
  'segments.save': channel<SavedSegment>()(
    z.object({ id: segmentId.optional(), name: segmentName, definition: segmentDefinition }).strict(),
  ),
  'segments.rename': channel<SavedSegment>()(z.object({ id: segmentId, name: segmentName }).strict()),
  /** A copy under `name` (default "NAME (copy)", numbered when taken). */
  'segments.duplicate': channel<SavedSegment>()(
    z.object({ id: segmentId, name: segmentName.optional() }).strict(),
  ),
  'segments.delete': channel<{ deleted: true }>()(z.object({ id: segmentId }).strict()),
  /** Saves the segment in an exported file's JSON text (SegmentFile), under `name` or the file's name. */
  'segments.importDefinition': channel<SavedSegment>()(
    z.object({ content: z.string().min(1).max(2_000_000), name: segmentName.optional() }).strict(),
  ),
  'segments.exportDefinition': channel<SegmentDefinitionFile>()(z.object({ id: segmentId }).strict()),
  /**
   * Exports the members to a CSV in the data folder's exports/ (a `segments.export` job: progress,
   * cancel; its summary is a SegmentExportSummary). Then segments.exportFile hands the page its text.
   */
  'segments.export': channel<JobHandle>()(
    z.object({ source: segmentSource, columns: columns.min(1) }).strict(),
  ),
  'segments.exportFile': channel<SegmentExportFile>()(
    z.object({ fileName: z.string().regex(/^[\w.() -]{1,200}\.csv$/, 'an export file name') }).strict(),
  ),
} as const
