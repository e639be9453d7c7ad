// Percentiles and rounding for the keystroke benchmark's figures (nearest-rank: test-support/stats.ts).

import { percentile } from '../../test-support/stats'

export { percentile }

export function round1(ms: number): number {
  return Math.round(ms * 10) / 10
}

export interface Figures {
  samples: number
  p50Ms: number
  p95Ms: number
  maxMs: number
}

export function figures(values: readonly number[]): Figures {
  return {
    samples: values.length,
    p50Ms: round1(percentile(values, 50)),
    p95Ms: round1(percentile(values, 95)),
    maxMs: round1(Math.max(...values)),
  }
}

export interface PhaseResult extends Figures {
  targetP95Ms: number
  pass: boolean
  /** Keystrokes whose answer was not painted within the timeout. */
  missed: number
  baselineRoundTrip: Figures
  /** p95 keystroke-to-paint over p95 round trip. */
  ratioP95: number
}

export function phaseResult(
  paint: number[],
  trips: number[],
  missed: number,
  targetP95Ms: number,
): PhaseResult {
  const measured = figures(paint)
  const baselineRoundTrip = figures(trips)
  return {
    ...measured,
    targetP95Ms,
    pass: measured.p95Ms <= targetP95Ms && missed === 0,
    missed,
    baselineRoundTrip,
    ratioP95: Math.round((measured.p95Ms / baselineRoundTrip.p95Ms) * 100) / 100,
  }
}
