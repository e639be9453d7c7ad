// A new user's first minutes: an empty database offers sample data; loading it shows progress; the
// keyboard alone finds a profile whose anonymous-mode events are greyed; the control-group limit is
// explained plainly.
import { expect, test } from '@playwright/test'
import { startHost, type RunningHost } from '../test-support/web-host'

const SHOTS = 'e2e-artifacts'
let host: RunningHost

test.beforeAll(async () => {
  host = await startHost()
})

test.afterAll(async () => {
  await host?.stop()
})

test('an empty database offers sample data, which loads with progress', async ({ page }) => {
  await page.goto(host.url)
  const load = page.getByRole('button', { name: 'Load sample data' })
  await expect(load).toBeVisible()
  await page.screenshot({ path: `${SHOTS}/10-empty.png` })
  await load.click()
  // Either the progress bar is caught mid-way or the job already finished and results are listed.
  await expect(page.getByRole('region', { name: 'Results' }).getByRole('link').first()).toBeVisible({
    timeout: 30_000,
  })
  const info = await host.rpc<{ profileCount: number }>('app.info', {})
  expect(info.profileCount).toBeGreaterThanOrEqual(2000)
  await page.screenshot({ path: `${SHOTS}/11-sample-loaded.png` })
})

test('keyboard only: search, arrow into the results, Enter opens; greyed events are labelled', async ({
  page,
}) => {
  // Scenario 2 made by hand: a device does an event anonymously, then logs in as an existing identity.
  await host.rpc('events.record', {
    deviceId: 'e2e-device-a',
    identity: 'e2e-known-user',
    name: 'App Opened',
  })
  await host.rpc('profiles.update', {
    id: 'e2e-device-a',
    changes: [{ op: 'set', key: 'Name', value: 'Keyboard Person' }],
  })
  await host.rpc('events.record', { deviceId: 'e2e-device-b', name: 'Product Viewed' })
  const login = await host.rpc<{ login: string }>('events.record', {
    deviceId: 'e2e-device-b',
    identity: 'e2e-known-user',
    name: 'Charged',
  })
  expect(login.login).toBe('switched')

  await page.goto(host.url)
  const search = page.getByRole('searchbox', { name: 'Search profiles' })
  await search.focus()
  await page.keyboard.type('Keyboard Pers')
  await expect(page.getByRole('link', { name: /Keyboard Person/ })).toBeVisible()
  await page.keyboard.press('ArrowDown')
  await expect(page.getByRole('link', { name: /Keyboard Person/ })).toBeFocused()
  await page.keyboard.press('Enter')
  await expect(page.getByRole('heading', { level: 1, name: 'Keyboard Person' })).toBeVisible()
  await expect(page.getByRole('heading', { level: 1 })).toBeFocused()

  // The anonymous event from the other device is shown, greyed and labelled as not counted.
  await expect(page.getByText(/Anonymous — not counted/).first()).toBeVisible()
  await page.screenshot({ path: `${SHOTS}/12-greyed-events.png` })
})

test('the 21st control-group exclusion is refused with the limit and the holders named', async ({ page }) => {
  const list = await host.rpc<{ items: { id: string }[] }>('profiles.list', { limit: 21 })
  expect(list.items.length).toBe(21)
  for (const p of list.items.slice(0, 20)) {
    await host.rpc('profiles.setControlGroupExclusion', { id: p.id, excluded: true })
  }
  const last = list.items[20]!
  await page.goto(`${host.url.replace(/#.*/, '')}#token=${host.token}`)
  await page.evaluate((id) => (location.hash = `#/profile/${encodeURIComponent(id)}`), last.id)
  await page.getByRole('button', { name: 'Exclude from control groups' }).click()
  const alert = page.getByRole('alert').filter({ hasText: /20/ })
  await expect(alert).toBeVisible()
  await expect(alert.getByRole('link')).toHaveCount(20)
  await page.screenshot({ path: `${SHOTS}/13-limit.png` })
  // Re-including one makes room.
  await host.rpc('profiles.setControlGroupExclusion', { id: list.items[0]!.id, excluded: false })
  await page.getByRole('button', { name: 'Exclude from control groups' }).click()
  await expect(page.getByRole('button', { name: 'Re-include in control groups' })).toBeVisible()
})
