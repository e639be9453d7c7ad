// The schemas of Find People's filters and of one property edit, shared by the profile channels
// (../contract.ts) and the bulk channels (./bulk.ts), which validate a bulk "set" like a single edit.
import { z } from 'zod'
import type { ProfileFilters } from '../../profile/search'
import { CUSTOM_PROPERTY_TYPES, type PropertyChange } from '../../profile/types'
import { REACH_FILTER_ANSWERS } from '../../reachability/filter'
import { CHANNELS as REACH_CHANNELS } from '../../reachability/rules'
import { segmentId } from './segments'

export const profileFilters = z
  .object({
    type: z.enum(['Anonymous', 'Identified']).optional(),
    test: z.boolean().optional(),
    reach: z
      .object({ channel: z.enum(REACH_CHANNELS), answer: z.enum(REACH_FILTER_ANSWERS) })
      .strict()
      .optional(),
    /** Only the members of this saved segment (combined with the search text). */
    segmentId: segmentId.optional(),
  })
  .strict() satisfies z.ZodType<ProfileFilters>

export const propertyValue = z.union([z.string(), z.number(), z.boolean(), z.array(z.string())])

export const propertyChange = z.discriminatedUnion('op', [
  z
    .object({
      op: z.literal('set'),
      key: z.string().min(1),
      value: propertyValue,
      /** Required for custom properties; system properties take their type from the catalogue. */
      type: z.enum(CUSTOM_PROPERTY_TYPES).optional(),
    })
    .strict(),
  z.object({ op: z.literal('unset'), key: z.string().min(1) }).strict(),
]) satisfies z.ZodType<PropertyChange>
