// Bulk edit and undo as a person does it (issue 14): in Find People tick a row and shift-click another to
// choose a range, preview "set plan = gold", apply it as a job, find it on the History page, undo it, and
// see the profiles' old value back on their profile page (and in the backend). Then, in a saved segment's
// member list, choose all matching and mark them as test profiles in one bulk job.
import { expect, test } from '@playwright/test'
import { mkdirSync } from 'node:fs'
import { startHost, type RunningHost } from '../test-support/web-host'

const SHOTS = 'e2e-artifacts'
const NAMES = ['Quillon Abara', 'Quillon Bexley', 'Quillon Cadwell', 'Quillon Dunmore', 'Quillon Eastwick']
let host: RunningHost

interface Stored {
  id: string
  custom: { key: string; value: unknown }[]
}

async function planOf(identity: string): Promise<unknown> {
  const profile = await host.rpc<Stored>('profiles.lookup', { key: identity })
  return profile.custom.find((property) => property.key === 'plan')?.value ?? null
}

test.beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true })
  host = await startHost({ seedProfiles: 200 })
  for (const [index, name] of NAMES.entries()) {
    await host.rpc('profiles.create', {
      changes: [
        { op: 'set', key: 'Name', value: name },
        { op: 'set', key: 'plan', value: 'silver', type: 'string' },
        { op: 'set', key: 'cohort', value: 'quillon', type: 'string' },
      ],
      identifiers: [{ kind: 'identity', value: `quillon-${index + 1}` }],
    })
  }
})

test.afterAll(async () => {
  await host?.stop()
})

test('select with shift-click, preview, apply, see it in History, undo: the old value is back', async ({
  page,
}) => {
  await page.goto(host.url)
  await page.getByRole('searchbox', { name: 'Search profiles' }).fill('quillon')
  await expect(page.getByRole('link', { name: /Quillon/ })).toHaveCount(NAMES.length)

  // Tick the first row, shift-click the third: the three rows between are chosen.
  const boxes = page.getByRole('checkbox', { name: /^Select Quillon/ })
  await boxes.nth(0).click()
  await boxes.nth(2).click({ modifiers: ['Shift'] })
  await expect(page.getByText('3 profiles selected')).toBeVisible()
  await expect(boxes.nth(1)).toBeChecked()
  await expect(boxes.nth(3)).not.toBeChecked()
  const chosen: string[] = []
  for (let i = 0; i < 3; i++) {
    const label = (await boxes.nth(i).getAttribute('aria-label')) ?? ''
    chosen.push(label.replace(/^Select /, ''))
  }
  await page.screenshot({ path: `${SHOTS}/bulk-01-selected.png`, fullPage: true })

  // The dialog: set plan = gold, preview, apply.
  await page.getByRole('button', { name: 'Bulk edit…' }).click()
  const dialog = page.getByRole('dialog', { name: /Bulk action on 3 profiles/ })
  await dialog.getByRole('combobox', { name: 'Action' }).selectOption('set')
  await dialog.getByRole('combobox', { name: 'Property' }).fill('plan')
  await dialog.getByRole('textbox', { name: 'Value' }).fill('gold')
  await dialog.getByRole('button', { name: 'Preview' }).click()
  await expect(dialog.getByText(/3 profiles change/)).toBeVisible()
  await expect(dialog.getByRole('table')).toContainText('silver')
  await expect(dialog.getByRole('table')).toContainText('gold')
  await page.screenshot({ path: `${SHOTS}/bulk-02-preview.png`, fullPage: true })
  await dialog.getByRole('button', { name: 'Apply to 3 profiles' }).click()
  const openChangeSet = dialog.getByRole('link', { name: /Open change set #\d+/ })
  await expect(openChangeSet).toBeVisible({ timeout: 20_000 })
  await expect(dialog).toContainText('3 profiles changed')
  const changeSetId = Number((await openChangeSet.textContent())?.replace(/\D+/g, ''))
  // the three chosen have the new value, the two others kept theirs
  for (const [index, name] of NAMES.entries()) {
    expect([name, await planOf(`quillon-${index + 1}`)]).toEqual([
      name,
      chosen.includes(name) ? 'gold' : 'silver',
    ])
  }
  await page.screenshot({ path: `${SHOTS}/bulk-03-applied.png`, fullPage: true })
  await dialog.getByRole('button', { name: 'Close' }).click()
  await expect(page.getByText('No profile selected')).toBeVisible()

  // History lists it; it opens with its entries.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'History' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'History' })).toBeVisible()
  const entry = page.getByRole('link', { name: /plan/i }).first()
  await expect(entry).toHaveAttribute('href', `#/history/${changeSetId}`)
  await page.screenshot({ path: `${SHOTS}/bulk-04-history.png`, fullPage: true })
  await entry.click()
  await expect(page.getByRole('table', { name: /entries/ })).toContainText('gold')

  // Undo, from the change set.
  await page.getByRole('button', { name: 'Undo this change set…' }).click()
  const undo = page.getByRole('dialog', { name: /Undo/ })
  await expect(undo).toContainText('Puts back the values from before on 3 profiles')
  await undo.getByRole('button', { name: 'Undo', exact: true }).click()
  await expect(undo).toContainText('Undone: 3 profiles reverted', { timeout: 20_000 })
  await page.screenshot({ path: `${SHOTS}/bulk-05-undone.png`, fullPage: true })
  await undo.getByRole('button', { name: 'Close' }).click()

  // The profile shows its old value again.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Find People' }).click()
  await page.getByRole('searchbox', { name: 'Search profiles' }).fill(chosen[1] ?? '')
  await page.getByRole('link', { name: new RegExp(chosen[1] ?? '') }).click()
  await expect(page.getByRole('heading', { level: 1, name: chosen[1] })).toBeVisible()
  const custom = page.getByRole('region', { name: /custom properties/i })
  await expect(custom).toContainText('silver')
  await expect(custom).not.toContainText('gold')
  for (const index of [1, 2, 3, 4, 5]) expect([await planOf(`quillon-${index}`)]).toEqual(['silver'])
  await page.screenshot({ path: `${SHOTS}/bulk-06-old-value.png`, fullPage: true })
})

test("a segment's member list: choose all matching, mark them as test profiles, all and only they are", async ({
  page,
}) => {
  const isTest = async (identity: string) =>
    (await host.rpc<{ isTest: boolean }>('profiles.lookup', { key: identity })).isTest
  const saved = await host.rpc<{ id: string }>('segments.save', {
    name: 'Quillon cohort',
    definition: {
      version: 1,
      join: 'and',
      conditions: [
        { type: 'property', property: { kind: 'custom', key: 'cohort' }, op: 'eq', value: 'quillon' },
      ],
    },
  })
  const testProfiles = async () =>
    (await host.rpc<{ total: number }>('profiles.list', { filters: { test: true }, limit: 1 })).total
  const testBefore = await testProfiles()
  // The link carries the session token in its hash: open it, then go to the members' route.
  await page.goto(host.url)
  await page.evaluate((id) => (location.hash = `#/segments/${id}/members`), saved.id)
  await expect(page.getByRole('heading', { level: 1, name: 'Members of “Quillon cohort”' })).toBeVisible()
  await expect(page.getByRole('checkbox', { name: /^Select Quillon/ })).toHaveCount(NAMES.length)

  // One tick, then all matching: the choice is the segment itself, not the rows on screen.
  await page
    .getByRole('checkbox', { name: /^Select Quillon/ })
    .first()
    .click()
  await expect(page.getByText('1 profile selected')).toBeVisible()
  await page.getByRole('button', { name: `Select all ${NAMES.length} matching` }).click()
  await expect(page.getByText(`All ${NAMES.length} matching selected`)).toBeVisible()

  await page.getByRole('button', { name: 'Mark as test…' }).click()
  const dialog = page.getByRole('dialog', { name: new RegExp(`Bulk action on ${NAMES.length} profiles`) })
  await dialog.getByRole('button', { name: 'Preview' }).click()
  await expect(dialog.getByText(new RegExp(`${NAMES.length} profiles change`))).toBeVisible()
  await dialog.getByRole('button', { name: `Apply to ${NAMES.length} profiles` }).click()
  await expect(dialog.getByRole('link', { name: /Open change set #\d+/ })).toBeVisible({ timeout: 20_000 })
  await page.screenshot({ path: `${SHOTS}/bulk-07-segment-members.png`, fullPage: true })
  await dialog.getByRole('button', { name: 'Close' }).click()

  for (const index of [1, 2, 3, 4, 5])
    expect([index, await isTest(`quillon-${index}`)]).toEqual([index, true])
  // Only the segment's members became test profiles: the count of test profiles grew by exactly them.
  expect(await testProfiles()).toBe(testBefore + NAMES.length)
})
