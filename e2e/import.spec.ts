// The CSV import wizard, as a person does it in a browser: choose a file with good and bad rows, check the
// preview and the proposed mapping, check every row (dry run), import the valid ones, download the rejected
// rows as CSV and read them back, see the run in the history, and find an imported profile in Find People.
import { expect, test, type Page } from '@playwright/test'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Papa from 'papaparse'
import { startHost, type RunningHost } from '../test-support/web-host'

const SHOTS = 'e2e-artifacts'
const FILE_NAME = 'crm-export.csv'
const HEADER = ['identity', 'Name', 'Email', 'mobile', 'birthday', 'plan', 'visits']
// Lines 3, 5 and 6 are wrong (an email without a domain, a 31st month, no identity); the rest are good.
const ROWS = [
  ['imp-001', 'Ana Import', 'ana.import@example.com', '+34600111222', '1990-04-12', 'gold', '12'],
  ['imp-002', 'Bruno Import', 'bruno.import@example', '+351911222333', '1985-11-30', 'silver', '7'],
  ['imp-003', 'Chen Import', 'chen.import@example.cn', '+8613800138000', '1992-02-29', 'gold', '3'],
  ['imp-004', 'Dana Import', 'dana.import@example.jp', '+81312345678', '1999-31-12', 'bronze', '5'],
  ['', 'Nobody Import', 'nobody.import@example.com', '', '', '@SUM(1+1)', ''],
  ['imp-006', 'Eve Import', 'eve.import@example.com', '+14155550100', '1979-07-01', 'gold', '20'],
  ['imp-007', 'Zoë Importová', 'zoe.import@example.cz', '+420601234567', '2001-09-09', 'silver', '1'],
]

let host: RunningHost
let workDir: string
let csvPath: string

test.beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true })
  workDir = mkdtempSync(join(tmpdir(), 'pd-e2e-import-'))
  csvPath = join(workDir, FILE_NAME)
  writeFileSync(csvPath, [HEADER, ...ROWS].map((row) => row.join(',')).join('\r\n') + '\r\n')
  host = await startHost()
})

test.afterAll(async () => {
  await host?.stop()
  if (workDir) rmSync(workDir, { recursive: true, force: true })
})

/** The number shown under a label in the run's counts. */
function figure(page: Page, label: string) {
  return page
    .getByRole('definition')
    .filter({ has: page.locator(`xpath=preceding-sibling::dt[normalize-space()="${label}"]`) })
}

test('import a CSV with good and bad rows, download the rejected rows, find the imported profile', async ({
  page,
}) => {
  await page.goto(host.url)
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Import' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Import a CSV file' })).toBeVisible()

  // Choose the file: in a browser it is uploaded in chunks, then previewed.
  await page.getByLabel('CSV file', { exact: true }).setInputFiles(csvPath)
  await expect(page.getByRole('heading', { name: `Preview of ${FILE_NAME}` })).toBeVisible()
  const preview = page.getByRole('region', { name: `First rows of ${FILE_NAME}` })
  await expect(preview.getByRole('columnheader')).toHaveText(HEADER)
  await expect(preview.getByRole('row')).toHaveCount(1 + ROWS.length)
  await expect(preview).toContainText('Zoë Importová')
  await expect(preview).toContainText('bruno.import@example')
  await page.screenshot({ path: `${SHOTS}/20-import-preview.png`, fullPage: true })

  // The proposed mapping: aliases recognised, custom properties typed from their values, samples shown.
  await page.getByRole('button', { name: 'Next: map columns' }).click()
  await expect(page.getByRole('heading', { name: 'Map columns' })).toBeVisible()
  await expect(page.getByRole('combobox', { name: 'Import identity as' })).toHaveValue('identity')
  await expect(page.getByRole('combobox', { name: 'Import Email as' })).toHaveValue('system:Email')
  await expect(page.getByRole('combobox', { name: 'Import mobile as' })).toHaveValue('system:Phone')
  await expect(page.getByRole('combobox', { name: 'Import birthday as' })).toHaveValue('system:DOB')
  await expect(page.getByRole('combobox', { name: 'Import plan as' })).toHaveValue('custom')
  await expect(page.getByRole('textbox', { name: 'Property key for visits' })).toHaveValue('visits')
  await expect(page.getByRole('combobox', { name: 'Type of visits' })).toHaveValue('number')
  await expect(page.getByRole('list', { name: 'Sample values of Email' })).toContainText(
    'ana.import@example.com',
  )

  // Without an identity column nothing can be checked, and the page says why.
  const check = page.getByRole('button', { name: 'Check every row' })
  await page.getByRole('combobox', { name: 'Import identity as' }).selectOption('ignore')
  await expect(page.getByRole('alert')).toContainText('No column is mapped to Identity or objectId')
  await expect(check).toBeDisabled()
  await page.getByRole('combobox', { name: 'Import identity as' }).selectOption('identity')
  await expect(check).toBeEnabled()
  await page.screenshot({ path: `${SHOTS}/21-import-mapping.png`, fullPage: true })

  // The dry run: every row checked, nothing written, the rejected rows listed with line, column and reason.
  await check.click()
  const importButton = page.getByRole('button', { name: 'Import 4 valid rows' })
  await expect(importButton).toBeVisible()
  await expect(figure(page, 'Rows read')).toHaveText('7')
  await expect(figure(page, 'New profiles')).toHaveText('4')
  await expect(figure(page, 'Rejected')).toHaveText('3')
  const wouldReject = page.getByRole('region', { name: 'Rows that would be rejected' })
  const rejectedRows = wouldReject.getByRole('row')
  await expect(rejectedRows).toHaveCount(4)
  await expect(rejectedRows.nth(1)).toContainText('3')
  await expect(rejectedRows.nth(1)).toContainText('Email')
  await expect(rejectedRows.nth(1)).toContainText('bruno.import@example')
  await expect(rejectedRows.nth(2)).toContainText('birthday')
  await expect(rejectedRows.nth(3)).toContainText(/identity/i)
  expect((await host.rpc<{ total: number }>('profiles.list', {})).total).toBe(0)
  await page.screenshot({ path: `${SHOTS}/22-import-checked.png`, fullPage: true })

  // The import, then its result.
  await importButton.click()
  await expect(page.getByRole('heading', { name: 'Import finished' })).toBeVisible({ timeout: 30_000 })
  await expect(figure(page, 'New')).toHaveText('4')
  await expect(figure(page, 'Rejected')).toHaveText('3')
  await expect(page.getByRole('region', { name: 'Rejected rows' }).getByRole('row')).toHaveCount(4)
  await page.screenshot({ path: `${SHOTS}/23-import-result.png`, fullPage: true })
  // The uploaded copy of the file was deleted once the import ended.
  await expect.poll(() => readdirSync(join(host.dataDir, 'imports', 'uploads'))).toEqual([])

  // The rejected rows as CSV: the original columns plus Failure Description, one row per rejected line.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download rejected rows (CSV)' }).click(),
  ])
  expect(download.suggestedFilename()).toBe('crm-export-rejected-rows.csv')
  const text = readFileSync(await download.path(), 'utf8').replace(/^\uFEFF/, '')
  const parsed = Papa.parse<string[]>(text, { skipEmptyLines: true })
  const [header, ...rejected] = parsed.data
  expect(header).toEqual([...HEADER, 'Failure Description'])
  // A cell a spreadsheet would run as a formula comes back with a leading apostrophe; a phone number such
  // as +351911222333 is a plain number, not a formula, and comes back as it was.
  const asExported = (row: string[] | undefined) =>
    row?.map((cell) => (cell.startsWith('@') ? `'${cell}` : cell))
  expect(rejected.map((row) => row.slice(0, HEADER.length))).toEqual(
    [ROWS[1], ROWS[3], ROWS[4]].map(asExported),
  )
  const reasons = rejected.map((row) => row[HEADER.length] ?? '')
  expect(reasons[0]).toMatch(/email/i)
  expect(reasons[0]).toContain('bruno.import@example')
  expect(reasons[1]).toMatch(/DOB|date/i)
  expect(reasons[2]).toMatch(/identity/i)
  await expect(page.getByRole('status').filter({ hasText: 'Downloaded 3 rejected rows.' })).toBeVisible()

  // The history lists the run with its file, counts and status.
  await page.getByRole('link', { name: 'See the import history' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Import history' })).toBeVisible()
  const run = page.getByRole('row').filter({ hasText: FILE_NAME })
  await expect(run).toHaveCount(1)
  await expect(run).toContainText('7 rows: 4 new, 0 updated, 0 unchanged, 3 rejected')
  await expect(run).toContainText('Imported')
  await expect(run.getByRole('button', { name: /Download rejected rows \(CSV\)/ })).toBeVisible()
  await page.screenshot({ path: `${SHOTS}/24-import-history.png`, fullPage: true })

  // An imported profile is in Find People with what the file said; a rejected one is not.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Find People' }).click()
  const search = page.getByRole('searchbox', { name: 'Search profiles' })
  await search.fill('bruno.import')
  await expect(page.getByRole('heading', { name: /No profiles match/ })).toBeVisible()
  await search.fill('zoe import')
  await page.getByRole('link', { name: /Zoë Importová/ }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Zoë Importová' })).toBeVisible()
  await expect(page.getByText('zoe.import@example.cz').first()).toBeVisible()
  await expect(page.getByText('imp-007').first()).toBeVisible()
  await page.screenshot({ path: `${SHOTS}/25-imported-profile.png`, fullPage: true })
})
