// Plain-text output of the command line: a search results table, one profile, an event result.
import type { RecordEventResult, SearchResult } from '../../../shared/ipc/contract'
import { findSystemProperty, formatPropertyValue } from '../../../shared/profile/catalogue'
import type { ProfileDetail } from '../../../shared/profile/types'

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

export function formatSearch(query: string, result: SearchResult): string {
  if (result.items.length === 0) return `No profiles match "${query}".`
  const rows = result.items.map((p) => [
    cell(p.id),
    cell(p.name),
    cell(p.email),
    cell(p.identity),
    cell(p.phone),
    p.type,
    p.isTest ? 'yes' : '',
  ])
  const table = formatTable(['ID', 'Name', 'Email', 'Identity', 'Phone', 'Type', 'Test'], rows)
  const total = `${result.total}${result.totalIsCapped ? '+' : ''}`
  return `${table}\n\n${result.items.length} of ${total} ${result.total === 1 ? 'match' : 'matches'}.`
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
