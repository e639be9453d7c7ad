// Find People's questions and answers: the filters and sort orders of profiles.search / profiles.list and
// the page they reply with. Plain types (no zod), so the renderer imports them at run time.
import type { ReachFilter } from '../reachability/filter'
import type { ProfileSummary, ProfileType } from './types'

export const SORT_FIELDS = ['name', 'updated', 'created', 'lastSeen'] as const
export type SortField = (typeof SORT_FIELDS)[number]

export interface ProfileFilters {
  type?: ProfileType
  /** Only test profiles (true) or only real ones (false). */
  test?: boolean
  /** Only profiles whose answer on a channel is this (reachable, not reachable, or one reason). */
  reach?: ReachFilter
  /** Only the members of this saved segment (segments.list ids). */
  segmentId?: string
}

export interface SearchResult {
  items: ProfileSummary[]
  /** Number of matches; when `totalIsCapped` is true there are at least this many. */
  total: number
  totalIsCapped: boolean
  /**
   * True while a large import's new profiles wait for the substring (trigram) index: exact and
   * starts-with matches among them are in the page and the total, matches inside a word are not yet.
   * Absent or false: the answer is complete.
   */
  stillIndexing?: boolean
}
