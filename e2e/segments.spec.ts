// Segments as a person uses them: build a segment with three conditions and watch the live count change,
// save it, open its members, export them to CSV, and read the file back (rows, columns, accents intact).
import { expect, test, type Page } from '@playwright/test'
import { mkdirSync, readFileSync } from 'node:fs'
import Papa from 'papaparse'
import type { SegmentDefinition } from '../shared/segments/definition'
import type { SegmentMembersPage } from '../shared/segments/types'
import { startHost, type RunningHost } from '../test-support/web-host'

const SHOTS = 'e2e-artifacts'
let host: RunningHost

test.beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true })
  host = await startHost({ seedProfiles: 400 })
  // A member whose name has accents, to see them survive the CSV.
  await host.rpc('profiles.create', {
    changes: [
      { op: 'set', key: 'Name', value: 'Zoë Ångström' },
      { op: 'set', key: 'DOB', value: '1990-05-17' },
      { op: 'set', key: 'plan', value: 'pro' },
    ],
    identifiers: [{ kind: 'identity', value: 'zoe-angstrom-01' }],
  })
})

test.afterAll(async () => {
  await host?.stop()
})

/** The live total once it answers the question now on screen. */
async function settledTotal(page: Page): Promise<number> {
  await page.waitForFunction(() => {
    const el = document.querySelector<HTMLElement>('.live-count')
    return !!el && el.dataset.asked !== undefined && el.dataset.asked === el.dataset.answered
  })
  const text = (await page.locator('#segment-count').textContent()) ?? ''
  const match = /([\d,]+) profiles?/.exec(text)
  if (!match?.[1]) throw new Error(`no count in “${text}”`)
  return Number(match[1].replace(/,/g, ''))
}

async function membersOf(definition: SegmentDefinition): Promise<SegmentMembersPage> {
  return host.rpc<SegmentMembersPage>('segments.members', {
    source: { definition },
    columns: [{ kind: 'system', key: 'Identity' }],
    limit: 500,
  })
}

test('build a three-condition segment, save it, open its members, export and read the CSV', async ({
  page,
}) => {
  await page.goto(host.url)
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Segments' }).click()
  await expect(page.getByRole('heading', { level: 2, name: 'No saved segments yet' })).toBeVisible()
  await page.getByRole('link', { name: 'New segment' }).click()
  await expect(page.getByText('No conditions yet: this segment holds every profile.')).toBeVisible()
  const everyone = await settledTotal(page)
  expect(everyone).toBe((await host.rpc<{ profileCount: number }>('app.info', {})).profileCount)

  // 1: Age between 18 and 60
  await page.getByRole('button', { name: 'Add property condition', exact: true }).click()
  await page.getByRole('combobox', { name: 'Condition 1: property' }).selectOption({ label: 'Age' })
  await page.getByRole('combobox', { name: 'Condition 1: operator' }).selectOption({ label: 'is between' })
  await page.getByRole('textbox', { name: 'Condition 1: from' }).fill('18')
  await page.getByRole('textbox', { name: 'Condition 1: to' }).fill('60')
  const byAge = await settledTotal(page)
  expect(byAge).toBeLessThan(everyone)
  expect(byAge).toBeGreaterThan(0)

  // 2: plan is one of pro, enterprise (a custom property)
  await page.getByRole('button', { name: 'Add property condition', exact: true }).click()
  await page.getByRole('combobox', { name: 'Condition 2: property' }).selectOption('custom:plan')
  await page.getByRole('combobox', { name: 'Condition 2: operator' }).selectOption({ label: 'is one of' })
  await page.getByRole('textbox', { name: 'Condition 2: value' }).fill('pro, enterprise')
  const byPlan = await settledTotal(page)
  expect(byPlan).toBeLessThan(byAge)

  // 3: did not do "Charged" (at least once, ever)
  await page.getByRole('button', { name: 'Add event condition', exact: true }).click()
  await page
    .getByRole('combobox', { name: 'Condition 3: did or did not' })
    .selectOption({ label: 'did not do' })
  await page.getByRole('combobox', { name: 'Condition 3: event' }).fill('Charged')
  const total = await settledTotal(page)
  expect(total).toBeLessThanOrEqual(byPlan)
  // each condition says what it keeps on its own
  await expect(page.getByTestId('condition-count').first()).toHaveText(
    `keeps ${byAge.toLocaleString('en')} profiles`,
  )

  const definition: SegmentDefinition = {
    version: 1,
    join: 'and',
    conditions: [
      { type: 'property', property: { kind: 'age' }, op: 'between', value: [18, 60] },
      { type: 'property', property: { kind: 'custom', key: 'plan' }, op: 'in', value: ['pro', 'enterprise'] },
      { type: 'behaviour', did: false, event: 'Charged' },
    ],
  }
  const expected = await membersOf(definition)
  expect(total).toBe(expected.total)
  expect(total).toBeGreaterThan(0)
  await page.screenshot({ path: `${SHOTS}/segments-01-builder.png`, fullPage: true })

  await page.getByRole('textbox', { name: 'Segment name' }).fill('Pro adults who never paid')
  await page.getByRole('button', { name: 'Save segment' }).click()
  await expect(page.getByText('Saved segment “Pro adults who never paid”.')).toBeVisible()
  await page.getByRole('link', { name: 'Open members' }).click()

  await expect(
    page.getByRole('heading', { level: 1, name: 'Members of “Pro adults who never paid”' }),
  ).toBeVisible()
  await expect(page.locator('#members-count')).toHaveText(
    `${total.toLocaleString('en')} ${total === 1 ? 'member' : 'members'}`,
  )
  const rows = page.getByRole('region', { name: 'Members', exact: true }).getByRole('link')
  await expect(rows.first()).toBeVisible()
  // keyboard: Down from the first row moves focus to the second
  await rows.first().focus()
  await page.keyboard.press('ArrowDown')
  if (total > 1) await expect(page.locator('[data-row-index="1"]')).toBeFocused()

  // the chosen columns: add plan, then export
  await page.getByText('Columns (4)').click()
  await page.getByRole('checkbox', { name: 'plan (custom)' }).check()
  await expect(page.getByRole('button', { name: 'Export 5 columns to CSV' })).toBeVisible()
  const download = page.waitForEvent('download')
  await page.getByRole('button', { name: 'Export 5 columns to CSV' }).click()
  const file = await download
  await expect(page.getByText(/Exported [\d,]+ members? to/)).toBeVisible()
  await page.screenshot({ path: `${SHOTS}/segments-02-members.png`, fullPage: true })

  const text = readFileSync((await file.path()) as string, 'utf8')
  expect(text.charCodeAt(0)).toBe(0xfeff) // a spreadsheet reads it as UTF-8
  const parsed = Papa.parse<string[]>(text.slice(1), { skipEmptyLines: true })
  const [header, ...body] = parsed.data
  expect(header).toEqual(['Identity', 'Name', 'Email', 'Phone', 'plan'])
  expect(body).toHaveLength(total)
  for (const row of body) expect(['pro', 'enterprise']).toContain(row[4])
  expect(body.map((row) => row[0]).sort()).toEqual(
    expected.items.map((row) => String(row.values[0] ?? '')).sort(),
  )
  const zoe = body.find((row) => row[0] === 'zoe-angstrom-01')
  expect(zoe?.[1]).toBe('Zoë Ångström')
})

test('Find People narrows the search to a saved segment', async ({ page }) => {
  await page.goto(host.url)
  await page
    .getByRole('combobox', { name: 'In segment' })
    .selectOption({ label: 'Pro adults who never paid' })
  await page.getByRole('searchbox', { name: 'Search profiles' }).fill('zoe-angstrom')
  await expect(page.getByRole('link', { name: /Zoë Ångström/ })).toBeVisible()
  await page.getByRole('searchbox', { name: 'Search profiles' }).fill('zoe-angstrom-nobody')
  await expect(page.getByRole('heading', { name: /No profiles match/ })).toBeVisible()
})
