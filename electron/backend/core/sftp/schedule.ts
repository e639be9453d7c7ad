// When a source is due: its schedule's slots in the computer's local time (every N hours from when the
// schedule was set, daily at HH:MM, weekly on a day at HH:MM). A source is due when its latest slot has
// not been run yet, so however many slots were missed while the app was closed, one run catches up.
import { WEEKDAYS, type Schedule } from '../../../../shared/ipc/channels/sftp'

const HOUR = 3_600_000

function clock(time: string): [number, number] {
  const [h, m] = time.split(':').map(Number)
  return [h ?? 0, m ?? 0]
}

/** The local day of `instant` at HH:MM (a time skipped by a DST change lands just after it). */
function atTime(instant: number, time: string, dayOffset = 0): number {
  const [h, m] = clock(time)
  const date = new Date(instant)
  date.setHours(12, 0, 0, 0) // noon: moving by whole days never crosses into another date around DST
  date.setDate(date.getDate() + dayOffset)
  date.setHours(h, m, 0, 0)
  return date.getTime()
}

/** The latest slot at or before `now` and after `anchor` (when the schedule was set); null: none yet. */
export function latestSlot(schedule: Schedule, anchor: number, now: number): number | null {
  let slot: number
  switch (schedule.kind) {
    case 'manual':
      return null
    case 'every': {
      const period = schedule.hours * HOUR
      const k = Math.floor((now - anchor) / period)
      if (k < 1) return null
      slot = anchor + k * period
      break
    }
    case 'daily':
      slot = atTime(now, schedule.time)
      if (slot > now) slot = atTime(now, schedule.time, -1)
      break
    case 'weekly': {
      const target = WEEKDAYS.indexOf(schedule.day)
      const back = (new Date(now).getDay() - target + 7) % 7
      slot = atTime(now, schedule.time, -back)
      if (slot > now) slot = atTime(now, schedule.time, -back - 7)
      break
    }
  }
  return slot > anchor ? slot : null
}

/** The first slot strictly after `after` (and after `anchor`); null for manual sources. */
export function nextSlot(schedule: Schedule, anchor: number, after: number): number | null {
  const from = Math.max(after, anchor)
  switch (schedule.kind) {
    case 'manual':
      return null
    case 'every': {
      const period = schedule.hours * HOUR
      return anchor + (Math.floor((from - anchor) / period) + 1) * period
    }
    case 'daily': {
      const today = atTime(from, schedule.time)
      return today > from ? today : atTime(from, schedule.time, 1)
    }
    case 'weekly': {
      const target = WEEKDAYS.indexOf(schedule.day)
      const ahead = (target - new Date(from).getDay() + 7) % 7
      const slot = atTime(from, schedule.time, ahead)
      return slot > from ? slot : atTime(from, schedule.time, ahead + 7)
    }
  }
}

export interface ScheduleState {
  schedule: Schedule
  /** When the schedule was set (epoch ms). */
  anchor: number
  /** The latest slot a run was started for, if any. */
  lastSlotAt: number | null
}

/** The slot to run now, if the latest one has not been run. */
export function dueSlot(state: ScheduleState, now: number): number | null {
  const latest = latestSlot(state.schedule, state.anchor, now)
  if (latest === null) return null
  return state.lastSlotAt !== null && latest <= state.lastSlotAt ? null : latest
}

/** When the source will be started next: now when a slot is waiting, else its next slot. */
export function nextRunAt(state: ScheduleState, now: number): number | null {
  const due = dueSlot(state, now)
  if (due !== null) return due
  return nextSlot(state.schedule, state.anchor, Math.max(now, state.lastSlotAt ?? state.anchor))
}
