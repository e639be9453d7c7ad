// Calendar dates of segment conditions as instants: the day a 'YYYY-MM-DD' names, in the account's time
// zone (Settings; default this computer's), and the window "in the last N days" (calendar days, today in).
import {
  calendarDateInZone,
  daysFromCivil,
  gmtOffsetMinutes,
  isValidTimeZone,
} from '../../../../shared/profile/validators-dates'
import { AppError } from '../../../../shared/ipc/envelope'
import type { AccountTimeZone } from '../../../../shared/segments/types'
import type { Db } from '../db/connection'

const DAY = 86_400
/** The settings key of the account's time zone (an IANA name or GMT±HHMM). */
export const ACCOUNT_TIME_ZONE_KEY = 'account.time_zone'

/** This computer's zone (the default of the account's). */
export function computerTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'
}

/** The saved account zone, when there is a valid one. */
export function savedTimeZone(db: Db): string | null {
  const row = db.prepare('SELECT value FROM settings WHERE key = ?').get(ACCOUNT_TIME_ZONE_KEY) as
    { value: string } | undefined
  const saved = row ? (JSON.parse(row.value) as unknown) : null
  return typeof saved === 'string' && isValidTimeZone(saved) ? saved : null
}

/** The account's zone: the saved setting when valid, else this computer's. */
export function accountTimeZone(db: Db): string {
  return savedTimeZone(db) ?? computerTimeZone()
}

/** Saves the account's zone (an IANA name or GMT±HHMM), or forgets it (null: this computer's again). */
export function setAccountTimeZone(db: Db, zone: string | null): void {
  if (zone === null) {
    db.prepare('DELETE FROM settings WHERE key = ?').run(ACCOUNT_TIME_ZONE_KEY)
    return
  }
  db.prepare(
    'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  ).run(ACCOUNT_TIME_ZONE_KEY, JSON.stringify(zone))
}

/** What Settings shows: the zone in use, the saved one (null: none) and this computer's. */
export function timeZoneView(db: Db): AccountTimeZone {
  const computer = computerTimeZone()
  const saved = savedTimeZone(db)
  return { zone: saved ?? computer, saved, computer }
}

/** Settings' change: a valid zone is saved, null goes back to this computer's; anything else is refused. */
export function updateTimeZone(db: Db, zone: string | null): AccountTimeZone {
  const trimmed = zone?.trim() ?? null
  if (trimmed !== null && !isValidTimeZone(trimmed))
    throw new AppError(
      'validation',
      `"${zone}" is not a time zone: give an IANA name such as Europe/Berlin, or GMT+0530.`,
      { field: 'zone' },
    )
  setAccountTimeZone(db, trimmed)
  return timeZoneView(db)
}

const offsetFormatters = new Map<string, Intl.DateTimeFormat>()

/** The zone's offset east of UTC, in seconds, at an instant. */
function offsetSeconds(epochSeconds: number, zone: string): number {
  const fixed = gmtOffsetMinutes(zone)
  if (fixed !== null) return fixed * 60
  if (zone === 'UTC') return 0
  let formatter = offsetFormatters.get(zone)
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
    offsetFormatters.set(zone, formatter)
  }
  const parts: Record<string, number> = {}
  for (const part of formatter.formatToParts(epochSeconds * 1000)) parts[part.type] = Number(part.value)
  const local =
    daysFromCivil(parts.year ?? 1970, parts.month ?? 1, parts.day ?? 1) * DAY +
    (parts.hour ?? 0) * 3600 +
    (parts.minute ?? 0) * 60 +
    (parts.second ?? 0)
  return local - epochSeconds
}

/** The first second of a calendar day in a zone (two passes settle the offset across a DST change). */
export function startOfDay(year: number, month: number, day: number, zone: string): number {
  const wall = daysFromCivil(year, month, day) * DAY
  let guess = wall - offsetSeconds(wall, zone)
  guess = wall - offsetSeconds(guess, zone)
  return guess
}

/** The instants [start, end) of a 'YYYY-MM-DD' day in a zone ('UTC' for calendar-date properties). */
export function dayRange(text: string, zone: string): [number, number] {
  const [y, m, d] = text.split('-').map(Number) as [number, number, number]
  const start = startOfDay(y, m, d, zone)
  const next = new Date(Date.UTC(y, m - 1, d + 1))
  return [start, startOfDay(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), zone)]
}

/** The first second of "the last N days": N calendar days ending today in the zone, today included. */
export function lastDaysStart(days: number, nowMs: number, zone: string): number {
  const today = calendarDateInZone(nowMs, zone)
  const first = new Date(Date.UTC(today.year, today.month - 1, today.day - (days - 1)))
  return startOfDay(first.getUTCFullYear(), first.getUTCMonth() + 1, first.getUTCDate(), zone)
}
