// Devices end to end in Chromium: the profile page's reachability panel (a token added by hand), the
// Duplicate Platform ID screen resolving a shared token (the other holder's page no longer shows it), and
// the Overview's charts with their tables, changing when another part of the audience or a saved segment
// (over sample data) is chosen.
import { expect, test, type Page } from '@playwright/test'
import { startHost, type RunningHost } from '../test-support/web-host'

let host: RunningHost
let first: string
let second: string

test.beforeAll(async () => {
  host = await startHost()
  first = (
    await host.rpc<{ id: string }>('profiles.create', {
      identifiers: [{ kind: 'identity', value: 'e2e-first' }],
      changes: [
        { op: 'set', key: 'Name', value: 'First Holder' },
        { op: 'set', key: 'Email', value: 'first@example.com' },
      ],
    })
  ).id
  second = (
    await host.rpc<{ id: string }>('profiles.create', {
      changes: [{ op: 'set', key: 'Name', value: 'Second Holder' }],
    })
  ).id
  for (const profileId of [first, second]) {
    await host.rpc('devices.setToken', { profileId, platform: 'Android', pushToken: 'e2e-shared-token' })
  }
})

test.afterAll(async () => {
  await host?.stop()
})

async function openProfile(page: Page, id: string, name: string): Promise<void> {
  await page.goto(host.url)
  await page.evaluate((profileId) => (location.hash = `#/profile/${encodeURIComponent(profileId)}`), id)
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible()
}

function channelAnswer(page: Page, channel: string) {
  return page.getByRole('region', { name: 'Reachability' }).getByRole('row', { name: channel })
}

test('the reachability panel shows channels and devices, and takes a token by hand', async ({ page }) => {
  await openProfile(page, first, 'First Holder')
  await expect(channelAnswer(page, 'Email')).toContainText('Reachable')
  await expect(channelAnswer(page, 'Mobile push')).toContainText('Reachable')
  await expect(channelAnswer(page, 'Web push')).toContainText('Profile not reachable: no address or token')
  await expect(channelAnswer(page, 'SMS')).toContainText('no address or token')

  await page.getByLabel('Platform').selectOption('Web')
  await page.getByRole('textbox', { name: 'Push token' }).fill('e2e-web-token')
  await page.getByLabel(/Device id/).fill('e2e-browser')
  await page.getByRole('button', { name: 'Add token' }).click()
  await expect(page.getByRole('status').filter({ hasText: 'sync sends it to CleverTap' })).toBeVisible()
  await expect(channelAnswer(page, 'Web push')).toContainText('Reachable')
  // The browser cannot receive mobile push: User not reachable, per device.
  await expect(page.locator('[data-device="e2e-browser"]')).toContainText('Mobile push: User not reachable')
})

test('the duplicates screen resolves a shared token and the other holder loses it', async ({ page }) => {
  await page.goto(host.url)
  await page.getByRole('link', { name: 'Duplicates' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Duplicate Platform ID' })).toBeVisible()
  await expect(page.getByRole('note')).toContainText('qualifies first')
  const group = page.locator('[data-group="e2e-shared-token"]')
  await expect(group.getByRole('row', { name: /First Holder/ })).toContainText('Receives')
  await expect(group.getByRole('row', { name: /Second Holder/ })).toContainText('Duplicate Platform ID')
  await group.getByRole('button', { name: 'Keep e2e-shared-token on the receiver only' }).click()
  await expect(page.getByRole('status').filter({ hasText: '1 group(s) resolved' })).toContainText(
    'CleverTap has no upload record that removes a push token',
  )
  await expect(page.getByRole('heading', { name: 'Nothing shared' })).toBeVisible()

  await openProfile(page, second, 'Second Holder')
  const panel = page.getByRole('region', { name: 'Reachability' })
  await expect(panel).toContainText('No push token')
  await expect(panel).not.toContainText('e2e-shared-token')
  await expect(channelAnswer(page, 'Mobile push')).toContainText('no address or token')
})

test('the overview draws its charts with tables, and describes the part chosen', async ({ page }) => {
  await page.goto(host.url)
  await page.getByRole('link', { name: 'Overview' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible()
  await expect(page.locator('[data-total]')).toHaveAttribute('data-total', '2')
  await expect(page.locator('canvas')).toHaveCount(6)
  const byType = page.locator('[data-chart="Profiles by type"]')
  await page.getByText('Show the numbers as a table').first().click()
  await expect(byType.getByRole('row', { name: 'Identified' })).toContainText('1')
  await expect(byType.getByRole('row', { name: 'Anonymous' })).toContainText('1')

  await page.getByLabel('Describe').selectOption('identified')
  await expect(page.locator('[data-total]')).toHaveAttribute('data-total', '1')
  await expect(byType.getByRole('row', { name: 'Anonymous' })).toContainText('0')
})

test('with sample data, choosing a saved segment changes the overview and its charts', async ({ page }) => {
  test.setTimeout(180_000)
  // A host of its own: sample data would change what the other tests here count.
  const own = await startHost()
  try {
    const { jobId } = await own.rpc<{ jobId: string }>('sample.load', { profiles: 2000 })
    await expect
      .poll(
        async () =>
          (await own.rpc<{ jobs: { jobId: string; status: string }[] }>('jobs.list', {})).jobs.find(
            (j) => j.jobId === jobId,
          )?.status,
        { timeout: 120_000 },
      )
      .toBe('succeeded')
    await own.rpc('segments.save', {
      name: 'Email reachable',
      definition: {
        version: 1,
        join: 'and',
        conditions: [
          {
            type: 'property',
            property: { kind: 'reachable', channel: 'email' },
            op: 'eq',
            value: 'reachable',
          },
        ],
      },
    })
    await page.goto(own.url)
    await page.getByRole('link', { name: 'Overview' }).click()
    const total = page.locator('[data-total]')
    await expect(total).toHaveAttribute('data-total', /^\d{4,}$/)
    const everyone = Number(await total.getAttribute('data-total'))
    await expect(page.locator('canvas')).toHaveCount(6)
    const reach = page.locator('[data-chart="Reachability per channel"]')
    const emailCells = reach.getByRole('row', { name: 'Email' }).getByRole('cell')
    await page.getByText('Show the numbers as a table').nth(3).click()
    // Everyone: some profiles cannot be reached by email, for one reason or another.
    const before = (await emailCells.allTextContents()).map(Number)
    expect(before.slice(1).some((n) => n > 0)).toBe(true)

    await page.getByLabel('Describe').selectOption({ label: 'Email reachable' })
    await expect(total).toContainText('in Email reachable')
    const inSegment = Number(await total.getAttribute('data-total'))
    expect(inSegment).toBeGreaterThan(0)
    expect(inSegment).toBeLessThan(everyone)
    // Every member is reachable by email: the chart's numbers changed with the segment.
    await expect(emailCells).toHaveText([String(inSegment), '0', '0', '0', '0'])
    await expect(page.locator('canvas')).toHaveCount(6)
    await page.getByText('Show the numbers as a table').first().click()
    const byType = page.locator('[data-chart="Profiles by type"]').getByRole('cell')
    await expect(byType).toHaveCount(2)
    const typeCounts = (await byType.allTextContents()).map(Number)
    expect(typeCounts.reduce((a, b) => a + b, 0)).toBe(inSegment)
  } finally {
    await own.stop()
  }
})

test('Find People filters by reachability on a channel, then by the reason', async ({ page }) => {
  await page.goto(host.url)
  await expect(page.getByRole('heading', { level: 1, name: 'Find People' })).toBeVisible()
  const results = page.getByRole('region', { name: 'Results' })
  await expect(results).toContainText('Second Holder')
  await page.getByLabel('Reachability').selectOption('Email')
  await expect(page.getByLabel('Email answer')).toHaveValue('reachable')
  await expect(results).toContainText('First Holder')
  await expect(results).not.toContainText('Second Holder')
  await page.getByLabel('Email answer').selectOption('Not reachable: no address or token')
  await expect(results).toContainText('Second Holder')
  await expect(results).not.toContainText('First Holder')
  await page.getByLabel('Email answer').selectOption('Not reachable: opted out')
  await expect(page.getByRole('heading', { name: 'No profiles match these filters' })).toBeVisible()
  await page.getByRole('button', { name: 'Clear filters' }).click()
  await expect(results).toContainText('First Holder')
  await expect(results).toContainText('Second Holder')
  await expect(page.getByLabel('Reachability')).toHaveValue('')
})
