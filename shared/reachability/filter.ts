// Find People's reachability filter (PRODUCT.md §4): "reachable on CHANNEL", "not reachable on CHANNEL"
// or "not reachable because REASON". Plain data and pure helpers, so the renderer and the CLI share them.
import { CHANNELS, REACH_CODES, REASONS, type Channel } from './rules'

/** What a profile's answer on the channel must be: reachable, any reason, or one reason. */
export const REACH_FILTER_ANSWERS = ['reachable', 'not-reachable', ...REASONS] as const
export type ReachFilterAnswer = (typeof REACH_FILTER_ANSWERS)[number]

export interface ReachFilter {
  channel: Channel
  answer: ReachFilterAnswer
}

/** Whether a stored code (0 reachable, 1.. the reasons) answers the filter. */
export function codeMatches(code: number, answer: ReachFilterAnswer): boolean {
  if (answer === 'not-reachable') return code !== 0
  return REACH_CODES[code] === answer
}

/** The stored codes a filter answer stands for (SQL compares the reach_<channel> column with them). */
export function codesFor(answer: ReachFilterAnswer): number[] {
  return REACH_CODES.map((_code, i) => i).filter((code) => codeMatches(code, answer))
}

export const REACH_FILTER_LABELS: Readonly<Record<ReachFilterAnswer, string>> = {
  reachable: 'Reachable',
  'not-reachable': 'Not reachable (any reason)',
  missing: 'Not reachable: no address or token',
  invalid: 'Not reachable: address or token invalid',
  optedout: 'Not reachable: opted out',
  dnd: 'Not reachable: do-not-disturb',
}

/**
 * Reads "email=reachable", "sms=optedout", "mobilepush" (reachable) as the CLI writes it; a clear error
 * names the accepted words.
 */
export function parseReachFilter(text: string): ReachFilter {
  const [rawChannel = '', rawAnswer = 'reachable', ...rest] = text.split('=')
  const channel = rawChannel.trim().toLowerCase()
  const answer = rawAnswer.trim().toLowerCase()
  if (rest.length > 0 || !(CHANNELS as readonly string[]).includes(channel)) {
    throw new Error(
      `"${text}": write CHANNEL=ANSWER with CHANNEL one of ${CHANNELS.join(', ')} (e.g. email=reachable).`,
    )
  }
  if (!(REACH_FILTER_ANSWERS as readonly string[]).includes(answer)) {
    throw new Error(`"${text}": the answer must be one of ${REACH_FILTER_ANSWERS.join(', ')}.`)
  }
  return { channel: channel as Channel, answer: answer as ReachFilterAnswer }
}
