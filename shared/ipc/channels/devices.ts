// Channels of devices, reachability, Duplicate Platform ID and the overview (issue 13), spread into
// ../contract.ts. Request schemas here (the boundary); the reply types are in ../../devices/types.ts.
import { z } from 'zod'
import type {
  DuplicatePage,
  OverviewNumbers,
  ReachabilityView,
  ResolveResult,
  TokenChangeResult,
} from '../../devices/types'
import { PLATFORMS } from '../../reachability/rules'
import { channel } from '../channel'
import { segmentDefinition, segmentId } from './segments'

export type * from '../../devices/types'

const profileId = z.string().min(1).max(256)
const kind = z.enum(['token', 'phone'])
const filters = z
  .object({ type: z.enum(['Anonymous', 'Identified']).optional(), test: z.boolean().optional() })
  .strict()

export const deviceChannels = {
  'devices.reachability': channel<ReachabilityView>()(z.object({ id: profileId }).strict()),
  'devices.setToken': channel<TokenChangeResult>()(
    z
      .object({
        profileId,
        deviceId: z.string().trim().max(256).optional(),
        platform: z.enum(PLATFORMS),
        pushToken: z.string().trim().min(1, 'Paste the push token').max(4096),
        tokenType: z.string().trim().max(32).optional(),
      })
      .strict(),
  ),
  'devices.removeToken': channel<TokenChangeResult>()(
    z.object({ profileId, deviceId: z.string().min(1).max(256) }).strict(),
  ),
  'duplicates.list': channel<DuplicatePage>()(
    z
      .object({
        kind,
        after: z.string().max(64).nullable().default(null),
        limit: z.number().int().min(1).max(500).default(50),
      })
      .strict(),
  ),
  'duplicates.resolve': channel<ResolveResult>()(
    z
      .object({
        kinds: z.array(kind).min(1).max(2),
        /** Only these groups (their token or phone); all groups when absent. */
        values: z.array(z.string().min(1).max(4096)).max(500).optional(),
        dryRun: z.boolean().default(false),
      })
      .strict(),
  ),
  'overview.get': channel<OverviewNumbers>()(
    z
      .object({
        filters: filters.default({}),
        /** Describe a saved segment's members (or a definition's) instead of everyone. */
        segment: z
          .union([z.object({ segmentId }).strict(), z.object({ definition: segmentDefinition }).strict()])
          .optional(),
      })
      .strict(),
  ),
}
