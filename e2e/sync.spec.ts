// Sync as a field worker lives it, against the real sandbox API server: set up the remote in Settings and
// test it; the remote goes away → an edit waits ("1 change waiting", then Offline); it comes back on the
// same port and data → Sync now → "Up to date" and the remote holds the edit. Then the same field changed
// on the remote and here is a conflict, shown side by side; "Take theirs" keeps the remote's value. What a
// pull downloads is set in Settings and said on the Sync page.
import { expect, test, type Page } from '@playwright/test'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ACCOUNT, PASSCODE } from '../test-support/sandbox-account'
import { startSandboxProcess, type SandboxProcess } from '../test-support/sandbox-process'
import { startHost, type RunningHost } from '../test-support/web-host'

const SHOTS = 'e2e-artifacts'
const IDENTITY = 'e2e-sync-ingrid'

/** The remote's copy of the test profile, read straight from the sandbox API. */
async function remoteProfile(sandbox: SandboxProcess): Promise<Record<string, unknown>> {
  const res = await fetch(`${sandbox.url}/1/profile.json?identity=${IDENTITY}`, {
    headers: { 'X-CleverTap-Account-Id': ACCOUNT, 'X-CleverTap-Passcode': PASSCODE },
  })
  const body = (await res.json()) as { status: string; record?: Record<string, unknown> }
  return body.record ?? {}
}

function indicator(page: Page) {
  return page.getByRole('banner').getByRole('link', { name: /^Sync status:/ })
}

async function openProfile(page: Page): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Find People' }).click()
  await page.getByRole('searchbox', { name: 'Search profiles' }).fill(IDENTITY)
  await page
    .getByRole('link', { name: /Ingrid/ })
    .first()
    .click()
  await expect(page.getByRole('heading', { level: 1, name: /Ingrid/ })).toBeVisible()
}

async function editProperty(page: Page, label: string, value: string): Promise<void> {
  await page.getByRole('button', { name: `Edit ${label}` }).click()
  await page.getByRole('textbox', { name: label, exact: true }).fill(value)
  await page.getByRole('button', { name: 'Save' }).click()
  await expect(page.getByRole('button', { name: `Edit ${label}` })).toBeVisible()
}

// Tall enough that the screenshots show the lists (the page scrolls inside its main region).
test.use({ viewport: { width: 1280, height: 1400 } })

let host: RunningHost
let sandbox: SandboxProcess | null = null
let sandboxDir: string

test.beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true })
  sandboxDir = mkdtempSync(join(tmpdir(), 'pd-e2e-sandbox-'))
  sandbox = await startSandboxProcess({ from: 'built', dataDir: sandboxDir })
  host = await startHost({ seedProfiles: 40 })
  await host.rpc('profiles.create', {
    changes: [{ op: 'set', key: 'Name', value: 'Ingrid Solberg' }],
    identifiers: [{ kind: 'identity', value: IDENTITY }],
  })
})

test.afterAll(async () => {
  await sandbox?.stop()
  await host?.stop()
  if (sandboxDir) rmSync(sandboxDir, { recursive: true, force: true })
})

test('set up the remote, go offline, edit, come back: the change reaches the remote', async ({ page }) => {
  test.setTimeout(120_000)
  if (!sandbox) throw new Error('the sandbox is not running')
  const { url: sandboxUrl, port } = sandbox

  await page.goto(host.url)
  await expect(indicator(page)).toContainText('Sync not set up')
  await indicator(page).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible()

  // Saving an empty form says what is missing.
  await page.getByRole('button', { name: 'Save', exact: true }).click()
  await expect(page.getByRole('alert').filter({ hasText: 'Enter the account id' })).toBeVisible()

  await page.getByRole('combobox', { name: 'Remote', exact: true }).selectOption('url')
  await page.getByRole('textbox', { name: 'Base URL' }).fill(sandboxUrl)
  await page.getByRole('textbox', { name: 'Account ID' }).fill(ACCOUNT)
  await page.getByLabel('Passcode', { exact: true }).fill(PASSCODE)
  await page.getByRole('button', { name: 'Test connection' }).click()
  await expect(page.getByRole('status').filter({ hasText: 'The connection works' })).toContainText(
    `as account ${ACCOUNT}`,
  )
  await page.getByRole('button', { name: 'Save', exact: true }).click()
  await expect(page.getByRole('status').filter({ hasText: 'Settings saved' })).toBeVisible()
  // The passcode is never shown back.
  await expect(page.getByText('A passcode is stored.')).toBeVisible()
  await expect(page.getByRole('button', { name: 'Replace' })).toBeVisible()
  await expect(page.getByLabel('Passcode', { exact: true })).toHaveCount(0)
  await expect(page.getByRole('note', { name: 'Where the passcode is kept' })).toContainText(
    'not in the OS keychain',
  )
  await page.screenshot({ path: `${SHOTS}/20-sync-settings.png`, fullPage: true })

  // The profile created before sync was set up goes out on its own.
  await expect(indicator(page)).toContainText('Up to date', { timeout: 20_000 })
  expect(await remoteProfile(sandbox)).toMatchObject({ identity: IDENTITY, name: 'Ingrid Solberg' })

  // The remote goes away; an edit made now waits.
  await sandbox.stop()
  sandbox = null
  await openProfile(page)
  await editProperty(page, 'Email', 'ingrid.solberg@example.no')
  await expect(indicator(page)).toContainText('1 change waiting')
  await expect(page.getByText('1 change waiting to sync')).toBeVisible()
  // The automatic push fails: offline comes from the result, not an assumption.
  await expect(indicator(page)).toContainText('Offline', { timeout: 30_000 })
  await expect(indicator(page)).toContainText('1 change waiting')
  await page.screenshot({ path: `${SHOTS}/21-sync-offline.png`, fullPage: true })

  // The Sync page lists the waiting change with a link to its profile.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sync' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Sync' })).toBeVisible()
  const waiting = page.getByRole('region', { name: 'Waiting to sync' })
  await expect(waiting.getByRole('row', { name: /Ingrid Solberg.*Email/ })).toBeVisible()

  // Back on the same port with the same data: Sync now brings everything up to date.
  sandbox = await startSandboxProcess({ from: 'built', port, dataDir: sandboxDir })
  await page.getByRole('button', { name: 'Sync now' }).click()
  await expect(indicator(page)).toContainText('Up to date', { timeout: 30_000 })
  await expect(waiting).toContainText('Nothing waiting to sync')
  // (the automatic retry may have sent the change first: either way the job reports how it ended)
  await expect(page.getByRole('status').filter({ hasText: 'Sync finished' })).toBeVisible()
  await expect(
    page
      .getByRole('region', { name: 'History' })
      .getByRole('row', { name: /Sent to the remote/ })
      .first(),
  ).toBeVisible()
  await page.screenshot({ path: `${SHOTS}/22-sync-up-to-date.png`, fullPage: true })
  expect(await remoteProfile(sandbox)).toMatchObject({ email: 'ingrid.solberg@example.no' })
})

test('the same field changed on both sides is a conflict; "Take theirs" keeps the remote value', async ({
  page,
}) => {
  test.setTimeout(90_000)
  if (!sandbox) throw new Error('the sandbox is not running')
  // Someone changes the name on the remote...
  const upload = await fetch(`${sandbox.url}/1/upload`, {
    method: 'POST',
    headers: {
      'X-CleverTap-Account-Id': ACCOUNT,
      'X-CleverTap-Passcode': PASSCODE,
      'Content-Type': 'application/json',
    },
    body: JSON.stringify({
      d: [{ identity: IDENTITY, type: 'profile', profileData: { Name: 'Ingrid S. Remote' } }],
    }),
  })
  expect(await upload.json()).toMatchObject({ status: 'success', processed: 1 })

  // ...and here, before this computer has seen that.
  await page.goto(host.url)
  await openProfile(page)
  await editProperty(page, 'Name', 'Ingrid Solberg-Berg')
  await expect(indicator(page)).toContainText('1 conflict', { timeout: 30_000 })
  const note = page.getByRole('group', { name: 'Sync conflict' })
  await expect(note).toContainText('Name was changed here and on the remote')
  await note.getByRole('link', { name: 'Resolve it on the Sync page' }).click()

  const conflicts = page.getByRole('region', { name: 'Conflicts' })
  const item = conflicts.getByRole('listitem').filter({ hasText: 'Ingrid' })
  await expect(item).toContainText('Ingrid Solberg-Berg')
  await expect(item).toContainText('Ingrid S. Remote')
  await page.screenshot({ path: `${SHOTS}/23-sync-conflict.png`, fullPage: true })
  await item.getByRole('button', { name: /^Take theirs/ }).click()
  await expect(conflicts).toContainText('No conflicts')
  await expect(page.getByRole('status').filter({ hasText: "Took the remote's value" })).toBeVisible()
  await expect(indicator(page)).toContainText('Up to date', { timeout: 30_000 })

  await openProfile(page)
  await expect(page.getByRole('heading', { level: 1, name: 'Ingrid S. Remote' })).toBeVisible()
  expect(await remoteProfile(sandbox)).toMatchObject({ name: 'Ingrid S. Remote' })
  await page.screenshot({ path: `${SHOTS}/24-sync-conflict-resolved.png`, fullPage: true })
})

test('a refused passcode is said plainly, and the indicator asks for sign-in', async ({ page }) => {
  if (!sandbox) throw new Error('the sandbox is not running')
  await page.goto(host.url)
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click()
  await page.getByRole('button', { name: 'Replace passcode' }).click()
  await expect(page.getByLabel('New passcode')).toBeFocused()
  await page.getByLabel('New passcode').fill('not-the-passcode')
  await page.getByRole('button', { name: 'Save', exact: true }).click()
  await expect(page.getByRole('status').filter({ hasText: 'Settings saved' })).toBeVisible()
  await page.getByRole('button', { name: 'Test connection' }).click()
  const refused = page.getByRole('alert').filter({ hasText: 'The remote refused the account id or passcode' })
  // The server's own words, as it sent them.
  await expect(refused).toContainText('HTTP 401: Account ID is not valid')
  await expect(indicator(page)).toContainText('Sign-in needed')
  await page.screenshot({ path: `${SHOTS}/25-sync-sign-in-needed.png`, fullPage: true })
})

test('what a pull downloads is chosen in Settings and said on the Sync page', async ({ page }) => {
  await page.goto(host.url)
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click()
  const section = page.getByRole('region', { name: 'What a pull downloads' })
  const before = (await host.rpc('sync.settings.get', {})) as { pullCoverage: string }
  await expect(section).toContainText(`Now: ${before.pullCoverage}`)

  await section.getByRole('textbox', { name: 'Event' }).fill('Purchased')
  await section.getByLabel('First day').fill('2024-01-01')
  await section.getByRole('button', { name: 'Add a property filter' }).click()
  await expect(section.getByRole('textbox', { name: 'Property 1' })).toBeFocused()
  await section.getByRole('textbox', { name: 'Property 1' }).fill('Score')
  await section.getByRole('combobox', { name: 'Condition 1' }).selectOption('greater_than')
  await section.getByRole('textbox', { name: 'Value 1' }).fill('many')
  await section.getByRole('button', { name: 'Save what a pull downloads' }).click()
  // A value that is not a number is said under its field, and the field gets the focus.
  await expect(section.getByRole('alert')).toHaveText('Enter a number (got "many").')
  await expect(section.getByRole('textbox', { name: 'Value 1' })).toBeFocused()
  await section.getByRole('textbox', { name: 'Value 1' }).fill('10')
  await section.getByRole('button', { name: 'Save what a pull downloads' }).click()
  const coverage = 'Profiles that did "Purchased" from 2024-01-01 to today, where Score is greater than 10.'
  await expect(section.getByRole('status')).toHaveText(`Saved. A pull now downloads: ${coverage}`)
  await page.screenshot({ path: `${SHOTS}/26-sync-pull-query.png`, fullPage: true })

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sync' }).click()
  await expect(page.getByRole('definition').filter({ hasText: 'Purchased' })).toContainText(coverage)

  // Back to the default, so the pulls of other runs see every profile again.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click()
  await section.getByRole('button', { name: 'Back to the default' }).click()
  await expect(section.getByRole('status')).toContainText('Saved. A pull now downloads: Every profile')
  await expect(section.getByRole('textbox', { name: 'Event' })).toHaveValue('')
})
