// Plain-text output of the devices commands: reachability per channel and device, Duplicate Platform ID
// groups, a resolve summary and the overview's numbers.
import {
  RECEIVER_RULE,
  TOKEN_REMOVAL_NOTE,
  type CountRow,
  type DuplicatePage,
  type DuplicateKind,
  type OverviewNumbers,
  type ReachabilityView,
  type ResolveResult,
} from '../../../../../shared/devices/types'
import { CHANNEL_LABELS } from '../../../../../shared/reachability/rules'
import { formatTable } from './profiles'

const when = (seconds: number | null): string =>
  seconds === null ? '' : new Date(seconds * 1000).toISOString().slice(0, 16).replace('T', ' ')

export function formatReachability(view: ReachabilityView): string {
  const channels = formatTable(
    ['Channel', 'Answer'],
    view.channels.map((c) => [c.label, c.text]),
  )
  if (view.devices.length === 0) return `${channels}\n\nNo devices.`
  const devices = view.devices.map((d) => {
    const token =
      d.pushToken === null
        ? 'no token'
        : `${d.tokenType ?? 'token'} …${d.pushToken.slice(-8)} (${d.tokenState})`
    const answers = d.answers.map((a) => `${CHANNEL_LABELS[a.channel]}: ${a.text}`).join('; ')
    return `${d.deviceId}  ${d.platform}  ${token}  last seen ${when(d.lastSeen) || 'never'}\n  ${answers}`
  })
  return `${channels}\n\nDevices:\n${devices.join('\n')}`
}

export function formatDuplicates(pages: (DuplicatePage & { kind: DuplicateKind })[]): string {
  const parts = [RECEIVER_RULE]
  for (const page of pages) {
    const title = page.kind === 'token' ? 'Push tokens' : 'Phone numbers'
    if (page.groups.length === 0) {
      parts.push(`${title}: none held by more than one profile.`)
      continue
    }
    const rows = page.groups.flatMap((g) =>
      g.holders.map((x, i) => [
        i === 0 ? (g.value.length > 24 ? `…${g.value.slice(-23)}` : g.value) : '',
        x.profileId,
        x.name ?? '',
        x.type,
        when(x.lastSeen),
        x.reachText,
        x.receives ? 'receives' : 'Duplicate Platform ID',
      ]),
    )
    parts.push(
      `${title}:\n${formatTable(['Value', 'Profile', 'Name', 'Type', 'Last seen', 'Reachability', ''], rows)}`,
    )
    if (page.next !== null) parts.push(`More: --kind ${page.kind} --after ${page.next}`)
  }
  return parts.join('\n\n')
}

export function formatResolve(result: ResolveResult): string {
  const verb = result.dryRun ? 'Would remove' : 'Removed'
  const lines = [
    `${result.groups} group(s). ${verb} ${result.tokensRemoved} token(s) and ${result.phonesRemoved} phone number(s) from the other holders.`,
  ]
  if (result.tokensRemoved > 0) lines.push(TOKEN_REMOVAL_NOTE)
  if (result.phonesRemoved > 0) lines.push('Phone removals are sent to CleverTap as a $delete of Phone.')
  return lines.join('\n')
}

function rows(title: string, list: CountRow[]): string {
  return `${title}\n${formatTable(
    ['', 'Profiles'],
    list.map((r) => [r.label, String(r.count)]),
  )}`
}

export function formatOverview(n: OverviewNumbers): string {
  return [
    `${n.total} profiles${n.segment === null ? '' : ` in ${n.segment}`} (${n.tookMs} ms)`,
    rows('By type', n.byType),
    rows('Test and control groups', n.test),
    rows('Age', n.ageHistogram),
    ...n.reachability.map((r) => rows(`Reachability: ${r.label}`, r.rows)),
    `Devices by platform\n${formatTable(
      ['', 'Devices'],
      n.devicesByPlatform.map((r) => [r.label, String(r.count)]),
    )}`,
    `Activity, last 30 days: ${n.activity.reduce((t, d) => t + d.imports, 0)} imports, ${n.activity.reduce((t, d) => t + d.pushes, 0)} pushes, ${n.activity.reduce((t, d) => t + d.pulls, 0)} pulls`,
  ].join('\n\n')
}
