// "just now", "5 minutes ago", "in 2 minutes": how long ago (or until) an instant, in the user's locale,
// for status lines that are read at a glance; the exact time goes beside it or in a tooltip.

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' })

const UNITS: ReadonlyArray<[Intl.RelativeTimeFormatUnit, number]> = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
]
const MINUTE = 60_000

/** `instantMs` relative to `nowMs` (both epoch milliseconds); under 45 seconds either way is "just now" / "now". */
export function formatRelative(instantMs: number, nowMs: number): string {
  const delta = instantMs - nowMs
  if (Math.abs(delta) < 45_000) return delta <= 0 ? 'just now' : 'in a moment'
  for (const [unit, size] of UNITS) {
    // 45 minutes reads better as "1 hour ago" than "45 minutes ago"; the exact time is shown too
    if (Math.abs(delta) >= size * 0.75) return relative.format(Math.round(delta / size), unit)
  }
  return relative.format(Math.round(delta / MINUTE), 'minute')
}
