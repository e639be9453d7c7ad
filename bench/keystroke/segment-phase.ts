// The keystroke benchmark's segment half: in a new segment's builder, one condition of each common shape
// (a system property, an Age range, the profile type, a custom property), a value typed key by key until
// each shape has its samples; each keystroke is timed to the frame that paints the new total (debounce
// included), per shape and overall. Run cold (right after the host started, while the count engine
// still loads its columns) and warm (after the builder shows the engine ready).
import Database from 'better-sqlite3'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { DATABASE_FILE } from '../../electron/backend/core/platform/index'
import type { RunningHost } from '../../test-support/web-host'
import { probeScript } from './probe'
import { phaseResult, type PhaseResult } from './stats'
import { KEY_GAP_MS, readSamples, roundTrips, sleep, typeMeasured } from './typing'

export const SEGMENT_COUNT_TARGET_P95_MS = 150

interface CountShape {
  shape: string
  property: string
  operator: string
  /** The field typed into ('value', 'from', 'to'), and another filled first. */
  field: string
  prefill?: { field: string; value: string }
  /** What is typed, one per round (or keys pressed on a select). */
  typed: string[]
  keys?: string[]
}

/** Keystrokes timed per shape and phase (at least). */
export const MIN_SAMPLES_PER_SHAPE = 20

function shapes(dataDir: string, rounds: number): CountShape[] {
  const db = new Database(join(dataDir, DATABASE_FILE), { readonly: true })
  const rows = db
    .prepare(
      'SELECT name, email FROM profiles WHERE name IS NOT NULL AND email IS NOT NULL AND id % 997 = 0 LIMIT ?',
    )
    .all(rounds) as { name: string; email: string }[]
  db.close()
  const each = <T>(pick: (i: number) => T) => Array.from({ length: rounds }, (_, i) => pick(i))
  return [
    {
      shape: 'Name starts with',
      property: 'system:Name',
      operator: 'starts with',
      field: 'value',
      typed: each((i) => (rows[i % rows.length]?.name ?? 'Anna').slice(0, 4)),
    },
    {
      shape: 'Email contains',
      property: 'system:Email',
      operator: 'contains',
      field: 'value',
      typed: each((i) => (rows[i % rows.length]?.email ?? 'anna').slice(1, 5)),
    },
    {
      shape: 'Age at least',
      property: 'age',
      operator: 'is at least',
      field: 'value',
      typed: each((i) => String(25 + i * 7)),
    },
    {
      shape: 'Age between N and 80',
      property: 'age',
      operator: 'is between',
      field: 'from',
      prefill: { field: 'to', value: '80' },
      typed: each((i) => String(18 + i * 5)),
    },
    {
      shape: 'plan equals (custom)',
      property: 'custom:plan',
      operator: 'equals',
      field: 'value',
      typed: each((i) => ['basic', 'pro', 'free', 'enterprise'][i % 4] as string),
    },
    {
      shape: 'Profile type equals',
      property: 'type',
      operator: 'equals',
      field: 'value',
      typed: [],
      keys: each((i) => (i % 2 === 0 ? 'ArrowDown' : 'ArrowUp')),
    },
  ]
}

/** Samples the probe has so far. */
const sampleCount = async (page: Page) => (await readSamples(page)).length

async function measureShape(
  page: Page,
  shape: CountShape,
  phase: 'cold' | 'warm',
  minSamples: number,
): Promise<number> {
  let missed = 0
  const start = await sampleCount(page)
  await page.getByRole('button', { name: 'Add property condition', exact: true }).click()
  await page.getByRole('combobox', { name: 'Condition 1: property' }).selectOption(shape.property)
  await page.getByRole('combobox', { name: 'Condition 1: operator' }).selectOption({ label: shape.operator })
  if (shape.prefill)
    await page.getByRole('textbox', { name: `Condition 1: ${shape.prefill.field}` }).fill(shape.prefill.value)
  if (phase === 'warm') {
    // Warm-up, not timed: a property not loaded ahead (Email's column) loads when first asked about.
    const warm = page.getByRole(shape.keys ? 'combobox' : 'textbox', { name: `Condition 1: ${shape.field}` })
    if (shape.keys) await warm.selectOption('Identified')
    else await warm.fill(shape.typed[0] ?? '')
    await page.waitForFunction(
      () => {
        const el = document.querySelector<HTMLElement>('.live-count')
        return !!el && el.dataset.asked === el.dataset.answered
      },
      undefined,
      { timeout: 300_000 },
    )
  }
  if (shape.keys) {
    const select = page.getByRole('combobox', { name: 'Condition 1: value' })
    await select.selectOption('Anonymous')
    await sleep(500)
    await select.focus()
    for (let i = 0; (await sampleCount(page)) - start < minSamples && i < minSamples * 2; i++) {
      const before = await sampleCount(page)
      await page.keyboard.press(shape.keys[i % shape.keys.length] ?? 'ArrowDown')
      await page
        .waitForFunction(
          (n) =>
            (window as never as { __keystrokeProbe: { samples: unknown[] } }).__keystrokeProbe.samples
              .length > n,
          before,
          { timeout: 10_000 },
        )
        .catch(() => missed++)
      await sleep(KEY_GAP_MS)
    }
  } else {
    const field = page.getByRole('textbox', { name: `Condition 1: ${shape.field}` })
    // Values typed in turn (again from the first if need be) until the shape has its samples.
    for (let i = 0; (await sampleCount(page)) - start < minSamples && i < minSamples * 2; i++) {
      await field.fill('')
      await sleep(300)
      await field.focus()
      missed += await typeMeasured(page, shape.typed[i % shape.typed.length] ?? '1')
    }
  }
  await page.getByRole('button', { name: 'Remove condition 1' }).click()
  await sleep(300)
  return missed
}

export interface ShapeResult extends PhaseResult {
  shape: string
  /** Keystrokes made while the builder showed the count engine loading (the rest: ready). */
  whileWarmingUp: number
}

export interface SegmentCountResults {
  phase: 'cold' | 'warm'
  /** When the phase's typing began, in seconds after the host was started. */
  startedAtS: number
  shapes: ShapeResult[]
  all: PhaseResult & { whileWarmingUp: number }
}

export async function measureSegmentCounts(
  page: Page,
  host: RunningHost,
  dataDir: string,
  options: { phase: 'cold' | 'warm'; hostStarted: number; minSamples: number },
): Promise<SegmentCountResults> {
  // The launch link first, loaded afresh (it hands the page its token), then the builder.
  await page.goto('about:blank')
  await page.goto(host.url)
  await page.goto(`${host.origin}/#/segments/new`)
  await page.locator('.live-count[data-answered]').waitFor({ timeout: 120_000 })
  if (options.phase === 'warm')
    // The builder shows the engine ready (what a person sees before the warm figure applies).
    await page.locator('.live-count[data-engine="ready"]').waitFor({ timeout: 600_000 })
  await page.evaluate(probeScript('.live-count'))
  const startedAtS = Math.round((performance.now() - options.hostStarted) / 100) / 10
  const results: ShapeResult[] = []
  let seen = 0
  const allPaint: number[] = []
  const allTrips: number[] = []
  let allMissed = 0
  let allWarming = 0
  for (const shape of shapes(dataDir, 8)) {
    const missed = await measureShape(page, shape, options.phase, options.minSamples)
    const samples = (await readSamples(page)).slice(seen)
    seen += samples.length
    const seqBase = Date.now()
    const bodies = [...new Set(samples.map((s) => s.asked))].map((asked, i) => ({
      seq: seqBase + i,
      definition: JSON.parse(asked) as unknown,
      perItem: false,
    }))
    const trips = await roundTrips(page, 'segments.count', host.origin, host.token, bodies)
    const paint = samples.map((s) => s.ms)
    const whileWarmingUp = samples.filter((s) => s.engine === 'loading').length
    results.push({
      shape: shape.shape,
      ...phaseResult(paint, trips, missed, SEGMENT_COUNT_TARGET_P95_MS),
      whileWarmingUp,
    })
    allPaint.push(...paint)
    allTrips.push(...trips)
    allMissed += missed
    allWarming += whileWarmingUp
  }
  return {
    phase: options.phase,
    startedAtS,
    shapes: results,
    all: {
      ...phaseResult(allPaint, allTrips, allMissed, SEGMENT_COUNT_TARGET_P95_MS),
      whileWarmingUp: allWarming,
    },
  }
}
