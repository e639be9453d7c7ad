// The keystroke benchmark's segment half: in a new segment's builder, one condition of each common shape
// (a system property, an Age range, the profile type, a custom property), a value typed key by key; each
// keystroke is timed to the frame that paints the new total (debounce included), per shape and overall.
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

async function measureShape(page: Page, shape: CountShape): Promise<number> {
  let missed = 0
  await page.getByRole('button', { name: 'Add property condition', exact: true }).click()
  await page.getByRole('combobox', { name: 'Condition 1: property' }).selectOption(shape.property)
  await page.getByRole('combobox', { name: 'Condition 1: operator' }).selectOption({ label: shape.operator })
  if (shape.prefill)
    await page.getByRole('textbox', { name: `Condition 1: ${shape.prefill.field}` }).fill(shape.prefill.value)
  // Warm-up, not timed: the engine loads each property it is first asked about once per session.
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
  if (shape.keys) {
    const select = page.getByRole('combobox', { name: 'Condition 1: value' })
    await select.selectOption('Anonymous')
    await sleep(500)
    await select.focus()
    for (const key of shape.keys) {
      const before = (await readSamples(page)).length
      await page.keyboard.press(key)
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
    for (const text of shape.typed) {
      await field.fill('')
      await sleep(300)
      await field.focus()
      missed += await typeMeasured(page, text)
    }
  }
  await page.getByRole('button', { name: 'Remove condition 1' }).click()
  await sleep(300)
  return missed
}

export interface SegmentCountResults {
  shapes: (PhaseResult & { shape: string })[]
  all: PhaseResult
}

export async function measureSegmentCounts(
  page: Page,
  host: RunningHost,
  dataDir: string,
  rounds: number,
): Promise<SegmentCountResults> {
  await page.goto(`${host.origin}/#/segments/new`)
  await page.locator('.live-count[data-answered]').waitFor({ timeout: 120_000 })
  await page.evaluate(probeScript('.live-count'))
  const results: SegmentCountResults['shapes'] = []
  let seen = 0
  const allPaint: number[] = []
  const allTrips: number[] = []
  let allMissed = 0
  for (const shape of shapes(dataDir, rounds)) {
    const missed = await measureShape(page, shape)
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
    results.push({ shape: shape.shape, ...phaseResult(paint, trips, missed, SEGMENT_COUNT_TARGET_P95_MS) })
    allPaint.push(...paint)
    allTrips.push(...trips)
    allMissed += missed
  }
  return { shapes: results, all: phaseResult(allPaint, allTrips, allMissed, SEGMENT_COUNT_TARGET_P95_MS) }
}
