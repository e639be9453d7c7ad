// Plain-text output of the command line: a search results table, one profile, an event result, the
// candidates of an ambiguous key, an event timeline and the control-group exclusions.
import type { RecordEventResult, SearchResult } from '../../../../../shared/ipc/contract'
import { findSystemProperty, formatPropertyValue } from '../../../../../shared/profile/catalogue'
import { CONTROL_GROUP_LOCAL_NOTE } from '../../../../../shared/profile/remote-notices'
import type {
  ControlGroupHolder,
  LookupCandidate,
  ProfileDetail,
  ProfileEvent,
} from '../../../../../shared/profile/types'

const MAX_CELL = 40

function cell(value: string | null | undefined): string {
  const text = (value ?? '').replace(/\s+/g, ' ')
  return text.length > MAX_CELL ? `${text.slice(0, MAX_CELL - 1)}…` : text
}

export function formatTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd()
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n')
}

const SUMMARY_HEADERS = ['ID', 'Name', 'Email', 'Identity', 'Phone', 'Type', 'Test']

function summaryCells(p: SearchResult['items'][number]): string[] {
  return [
    cell(p.id),
    cell(p.name),
    cell(p.email),
    cell(p.identity),
    cell(p.phone),
    p.type,
    p.isTest ? 'yes' : '',
  ]
}

/** Said under a search answered while an import's new profiles wait for the substring index. */
export const STILL_INDEXING_NOTE =
  'Still indexing: recently imported profiles match by exact value and by the start of a name, email, identity or phone; matches inside a word among them appear once indexing ends.'

export function formatSearch(query: string, result: SearchResult): string {
  const note = result.stillIndexing ? `\n${STILL_INDEXING_NOTE}` : ''
  if (result.items.length === 0) {
    return (query === '' ? 'No profiles match these filters.' : `No profiles match "${query}".`) + note
  }
  const table = formatTable(SUMMARY_HEADERS, result.items.map(summaryCells))
  const total = `${result.total}${result.totalIsCapped ? '+' : ''}`
  return `${table}\n\n${result.items.length} of ${total} ${result.total === 1 ? 'match' : 'matches'}.${note}`
}

function showDate(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().replace('.000Z', 'Z')
}

export function formatProfile(profile: ProfileDetail): string {
  const badges = [
    profile.type,
    profile.isTest ? 'test profile' : null,
    profile.excludedFromControlGroups ? 'excluded from control groups' : null,
  ]
  const lines = [`Profile ${profile.id} (${badges.filter(Boolean).join(', ')})`]
  if (profile.badMerge) lines.push('Warning: this profile holds more than one Identity.')
  lines.push('', 'Identifiers:')
  if (profile.identifiers.length === 0) lines.push('  (none)')
  for (const id of profile.identifiers)
    lines.push(`  ${id.kind === 'custom' && id.name ? id.name : id.kind}: ${id.value}`)
  lines.push('', 'Properties:')
  const system = Object.entries(profile.system)
  if (system.length === 0) lines.push('  (none)')
  for (const [key, value] of system) {
    lines.push(`  ${key}: ${formatPropertyValue(findSystemProperty(key)?.type ?? 'string', value)}`)
  }
  if (profile.age !== null) lines.push(`  Age: ${profile.age}`)
  if (profile.custom.length > 0) {
    lines.push('', 'Custom properties:')
    for (const p of profile.custom)
      lines.push(`  ${p.key} (${p.type}): ${formatPropertyValue(p.type, p.value)}`)
  }
  lines.push('', 'Events:')
  if (profile.eventSummaries.length === 0) lines.push('  (none)')
  for (const e of profile.eventSummaries) {
    lines.push(`  ${e.name}: ${e.count} (first ${showDate(e.firstSeen)}, last ${showDate(e.lastSeen)})`)
  }
  lines.push('', `Created ${showDate(profile.createdAt)}, updated ${showDate(profile.updatedAt)}`)
  return lines.join('\n')
}

export function formatRecordedEvent(
  name: string,
  identity: string | undefined,
  result: RecordEventResult,
): string {
  const head = `Recorded "${name}" on profile ${result.profileId} (event ${result.eventId}).`
  switch (result.login) {
    case 'became':
      return `${head}\nLogin: the anonymous profile of this device became ${identity ?? 'the user'}'s profile (new identity).`
    case 'switched':
      return `${head}\nLogin: ${identity ?? 'the user'} already had a profile; this device now maps to it. Earlier anonymous events stay on the anonymous profile.`
    case 'same':
      return `${head}\nLogin: the device already belongs to ${identity ?? 'this user'}.`
    case 'none':
      return head
  }
}

/** The profiles an ambiguous key matched (profiles.lookup's conflict), and how to pick one. */
export function formatCandidates(key: string, candidates: LookupCandidate[], total: number): string {
  const rows = candidates.map((c) => [...summaryCells(c), c.matchedBy.join(', ')])
  const more = total > candidates.length ? `\n(${total - candidates.length} more not shown)` : ''
  return (
    `"${key}" matches ${total} profiles:\n\n${formatTable([...SUMMARY_HEADERS, 'Matched by'], rows)}${more}\n\n` +
    'Name one by its profile id, or spell out the kind of key: identity:VALUE, email:VALUE, phone:VALUE, ' +
    'fbid:VALUE, gpid:VALUE or custom:NAME=VALUE.'
  )
}

/** A page of a profile's timeline, newest first; greyed (anonymous-mode) events say so. */
export function formatTimeline(
  profileId: string,
  page: { items: ProfileEvent[]; total: number },
  offset: number,
): string {
  if (page.total === 0) return `Profile ${profileId} has no events.`
  if (page.items.length === 0)
    return `Profile ${profileId} has ${page.total} events; none at offset ${offset}.`
  const rows = page.items.map((e) => [
    showDate(e.ts),
    cell(e.name),
    cell(Object.keys(e.props).length === 0 ? '' : JSON.stringify(e.props)),
    e.anonymous ? `greyed: done in anonymous mode on ${e.profileId}, not counted` : '',
  ])
  const last = offset + page.items.length
  const lines = [
    `Events of profile ${profileId}, newest first (${offset + 1}–${last} of ${page.total}):`,
    '',
    formatTable(['When', 'Event', 'Properties', 'Note'], rows),
  ]
  if (last < page.total) lines.push('', `More: --offset ${last}`)
  return lines.join('\n')
}

/** The profiles excluded from all control groups, and what that setting does (and does not) do. */
export function formatExclusions(holders: ControlGroupHolder[], limit: number): string {
  const head =
    holders.length === 0
      ? `No profile is excluded from control groups (up to ${limit} can be).`
      : `${holders.length} of ${limit} profiles are excluded from all control groups:`
  const table =
    holders.length === 0
      ? ''
      : `\n\n${formatTable(
          ['ID', 'Name', 'Identity', 'Email', 'Type'],
          holders.map((h) => [cell(h.id), cell(h.name), cell(h.identity), cell(h.email), h.type]),
        )}`
  return `${head}${table}\n\n${CONTROL_GROUP_LOCAL_NOTE}`
}
