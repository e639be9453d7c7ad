// A source's schedule in words: the text form the command line reads and writes ('manual', 'every 6h',
// 'daily 02:00', 'weekly mon 02:00'), the sentence people read, and the rules for its numbers and times,
// used by the request schema, the source editor and the CLI alike.
import { WEEKDAYS, type Schedule, type Weekday } from './types'

const WEEKDAY_NAMES: Record<Weekday, string> = {
  sun: 'Sunday',
  mon: 'Monday',
  tue: 'Tuesday',
  wed: 'Wednesday',
  thu: 'Thursday',
  fri: 'Friday',
  sat: 'Saturday',
}

export const MAX_EVERY_HOURS = 7 * 24

export const EVERY_HOURS_MESSAGE = `From 1 to ${MAX_EVERY_HOURS} hours.`
export const CLOCK_TIME_MESSAGE = 'A time as HH:MM on a 24-hour clock, e.g. 02:00.'

/** Null when "every N hours" can use `hours`, else what is expected. */
export function checkEveryHours(hours: number): string | null {
  return Number.isInteger(hours) && hours >= 1 && hours <= MAX_EVERY_HOURS ? null : EVERY_HOURS_MESSAGE
}

/** A time of day as written (`2:05` or `02:05`) in the stored form `02:05`; null when it is not one. */
export function clockTimeOf(text: string): string | null {
  const match = /^(\d{1,2}):(\d{2})$/.exec(text.trim())
  if (!match) return null
  const h = Number(match[1])
  const m = Number(match[2])
  return h <= 23 && m <= 59 ? `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}` : null
}

/** Null when `time` is a time of day in the stored form (HH:MM, 24-hour clock), else what is expected. */
export function checkClockTime(time: string): string | null {
  return clockTimeOf(time) === time ? null : CLOCK_TIME_MESSAGE
}

/** `manual`, `every 6h`, `daily 02:00`, `weekly mon 02:00`: the schedule as the command line writes it. */
export function scheduleToText(schedule: Schedule): string {
  switch (schedule.kind) {
    case 'manual':
      return 'manual'
    case 'every':
      return `every ${schedule.hours}h`
    case 'daily':
      return `daily ${schedule.time}`
    case 'weekly':
      return `weekly ${schedule.day} ${schedule.time}`
  }
}

/** The schedule for people: "Daily at 02:00 (local time)". */
export function describeSchedule(schedule: Schedule): string {
  switch (schedule.kind) {
    case 'manual':
      return 'Manual only'
    case 'every':
      return schedule.hours === 1 ? 'Every hour' : `Every ${schedule.hours} hours`
    case 'daily':
      return `Daily at ${schedule.time}`
    case 'weekly':
      return `Weekly on ${WEEKDAY_NAMES[schedule.day]} at ${schedule.time}`
  }
}

/** Reads the text form; returns the schedule or a message that says what is expected. */
export function parseScheduleText(
  text: string,
): { ok: true; schedule: Schedule } | { ok: false; message: string } {
  const words = text.trim().toLowerCase().split(/\s+/)
  const expected =
    `"${text.trim()}" is not a schedule. Use "manual", "every 6h", "daily 02:00" or "weekly mon 02:00" ` +
    '(times are 24-hour local time).'
  if (words.length === 1 && words[0] === 'manual') return { ok: true, schedule: { kind: 'manual' } }
  if (words[0] === 'every' && words.length >= 2) {
    const match = /^(\d+)\s*(h|hours?)?$/.exec(words.slice(1).join(' '))
    const hours = Number(match?.[1])
    if (!match || checkEveryHours(hours) !== null) {
      return { ok: false, message: `${expected} "every" takes 1 to ${MAX_EVERY_HOURS} hours.` }
    }
    return { ok: true, schedule: { kind: 'every', hours } }
  }
  if (words[0] === 'daily' && words.length === 2) {
    const at = clockTimeOf(words[1] ?? '')
    return at ? { ok: true, schedule: { kind: 'daily', time: at } } : { ok: false, message: expected }
  }
  if (words[0] === 'weekly' && words.length === 3) {
    const day = WEEKDAYS.find(
      (d) => words[1]?.startsWith(d) && WEEKDAY_NAMES[d].toLowerCase().startsWith(words[1]),
    )
    const at = clockTimeOf(words[2] ?? '')
    if (!day) return { ok: false, message: `${expected} The day is one of ${WEEKDAYS.join(', ')}.` }
    return at ? { ok: true, schedule: { kind: 'weekly', day, time: at } } : { ok: false, message: expected }
  }
  return { ok: false, message: expected }
}
