// The IPC contract: every channel, its request schema (validated at the backend's boundary) and its
// response type. The preload, the backend's handler table and the renderer's client are all typed
// from this one object, so a missing or mistyped handler fails the build. The renderer imports this
// module for types only (it would bring zod in); replies and constants are in zod-free modules.
import { z } from 'zod'
import type { JobHandle, JobInfo } from '../jobs/job-kinds'
import type {
  AuditEntry,
  ControlGroupHolder,
  ProfileDetail,
  ProfileEvent,
  RecordEventResult,
} from '../profile/types'
import { SORT_FIELDS, type SearchResult } from '../profile/search'
import { IDENTIFIER_KINDS } from '../profile/types'
import type { IdentitySetView } from '../profile/identity-set'

import { LOG_LEVELS, type AppInfo, type LogLevel } from './app-info'
import { channel } from './channel'
import { deviceChannels } from './channels/devices'
import { backupChannels } from './channels/backup'
import { dialogChannels } from './channels/dialogs'
import { importChannels } from './channels/imports'
import { segmentChannels } from './channels/segments'
import { profileFilters, propertyChange } from './channels/profile-edits'
import { bulkChannels } from './channels/bulk'
import { sftpChannels } from './channels/sftp'
import { syncChannels } from './channels/sync'

const profileId = z.string().min(1).max(256)
const paging = {
  offset: z.number().int().min(0).max(1_000_000).default(0),
  limit: z.number().int().min(1).max(500).default(50),
}

const identifierInput = z
  .object({
    kind: z.enum(IDENTIFIER_KINDS),
    name: z.string().min(1).max(120).optional(),
    value: z.string().min(1),
  })
  .strict()

export const contract = {
  'app.info': channel<AppInfo>()(z.object({}).strict()),

  'profiles.search': channel<SearchResult>()(
    z.object({ query: z.string().max(256), filters: profileFilters.default({}), ...paging }).strict(),
  ),
  'profiles.list': channel<SearchResult>()(
    z
      .object({
        sort: z.enum(SORT_FIELDS).default('name'),
        direction: z.enum(['asc', 'desc']).default('asc'),
        filters: profileFilters.default({}),
        ...paging,
      })
      .strict(),
  ),
  'profiles.get': channel<ProfileDetail>()(z.object({ id: profileId }).strict()),
  /**
   * Finds one profile by profile id, Identity, Email (case-insensitive), Phone (by its digits), FBID, GPID
   * or custom identifier value, or by `kind:value` (`phone:+1…`, `custom:NAME=VALUE`). not_found when
   * nothing matches; conflict, with `details.candidates` (LookupCandidate[]), when several profiles do.
   */
  'profiles.lookup': channel<ProfileDetail>()(z.object({ key: z.string().min(1).max(1024) }).strict()),
  'profiles.create': channel<ProfileDetail>()(
    z
      .object({
        changes: z.array(propertyChange).max(300).default([]),
        identifiers: z.array(identifierInput).max(50).default([]),
      })
      .strict(),
  ),
  'profiles.update': channel<ProfileDetail>()(
    z.object({ id: profileId, changes: z.array(propertyChange).min(1).max(300) }).strict(),
  ),
  'profiles.identifiers.add': channel<ProfileDetail>()(
    z.object({ id: profileId, identifier: identifierInput }).strict(),
  ),
  'profiles.identifiers.remove': channel<ProfileDetail>()(
    z.object({ id: profileId, identifier: identifierInput }).strict(),
  ),
  'profiles.delete': channel<{ deleted: true }>()(z.object({ id: profileId }).strict()),
  'profiles.setTest': channel<ProfileDetail>()(z.object({ id: profileId, test: z.boolean() }).strict()),
  'profiles.setControlGroupExclusion': channel<ProfileDetail>()(
    z.object({ id: profileId, excluded: z.boolean() }).strict(),
  ),
  'profiles.controlGroupExclusions': channel<{ holders: ControlGroupHolder[]; limit: number }>()(
    z.object({}).strict(),
  ),
  /** The account's identity set: which identifiers an imported profile row is matched on. */
  'profiles.identitySet': channel<IdentitySetView>()(z.object({}).strict()),
  'profiles.setIdentitySet': channel<IdentitySetView>()(
    z.object({ keys: z.array(z.string().min(1).max(40)).min(1).max(10) }).strict(),
  ),
  'profiles.events': channel<{ items: ProfileEvent[]; total: number }>()(
    z.object({ id: profileId, ...paging }).strict(),
  ),
  'profiles.history': channel<{ items: AuditEntry[]; total: number }>()(
    z.object({ id: profileId, ...paging }).strict(),
  ),

  'events.record': channel<RecordEventResult>()(
    z
      .object({
        deviceId: z.string().min(1).max(256),
        identity: z.string().min(1).max(1023).optional(),
        name: z.string().min(1).max(120),
        props: z.record(z.string(), z.unknown()).default({}),
        ts: z.number().int().positive().optional(),
      })
      .strict(),
  ),

  'sample.load': channel<JobHandle>()(
    z.object({ profiles: z.number().int().min(1).max(2_000_000).default(2000) }).strict(),
  ),
  'jobs.cancel': channel<{ cancelled: boolean }>()(z.object({ jobId: z.string().min(1) }).strict()),
  'jobs.list': channel<{ jobs: JobInfo[] }>()(z.object({}).strict()),
  /** How much goes into the log files (app.info tells the current level). */
  'app.logLevel.set': channel<{ level: LogLevel }>()(z.object({ level: z.enum(LOG_LEVELS) }).strict()),

  ...importChannels,
  ...syncChannels,
  ...dialogChannels,
  ...sftpChannels,
  ...deviceChannels,
  ...segmentChannels,
  ...backupChannels,
  ...bulkChannels,
} as const

// Plain types of the replies, re-exported for the backend's convenience (they live in zod-free modules).
export type { AppInfo } from './app-info'
export type { JobHandle, JobInfo } from '../jobs/job-kinds'
export type { PropertyChange, RecordEventResult } from '../profile/types'
export { SORT_FIELDS, type ProfileFilters, type SearchResult, type SortField } from '../profile/search'

export { profileFilters, propertyChange } from './channels/profile-edits'

export type Contract = typeof contract
export type Channel = keyof Contract
export type RequestOf<C extends Channel> = z.input<Contract[C]['req']>
/** The request after validation and defaults, as handlers receive it. */
export type ParsedRequestOf<C extends Channel> = z.output<Contract[C]['req']>
export type ResponseOf<C extends Channel> = Contract[C]['res']

export const CHANNELS = Object.keys(contract) as Channel[]
export function isChannel(name: string): name is Channel {
  return Object.prototype.hasOwnProperty.call(contract, name)
}
