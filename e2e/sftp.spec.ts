// SFTP sources as a person sets one up, against a real OpenSSH sshd on 127.0.0.1 (the fixture the SFTP
// tests use): add a source, test its connection, check and trust the server's fingerprint, run it, and
// read the history with the file's counts and its rejected rows; the file is moved on the server's disk;
// pointed at another port, the editor asks for the password again instead of sending the stored one.
import { expect, test } from '@playwright/test'
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { profilesCsv } from '../test-support/csv-files'
import { startSshd, type Sshd } from '../test-support/sshd-fixture'
import { startHost, type RunningHost } from '../test-support/web-host'

const SHOTS = 'e2e-artifacts'
let host: RunningHost
let sshd: Sshd

test.use({ viewport: { width: 1280, height: 1100 } })

test.beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true })
  sshd = await startSshd()
  sshd.mkdir('/in')
  // Five customers, the first with an email that is not one: four imported, one rejected.
  sshd.put('/in/customers.csv', profilesCsv('e2e-sftp', 5, 1))
  host = await startHost()
})

test.afterAll(async () => {
  await host?.stop()
  await sshd?.stop()
})

test('add a source, trust its fingerprint, run it, see the history with counts', async ({ page }) => {
  test.setTimeout(120_000)
  await page.goto(host.url)
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sources' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Sources' })).toBeVisible()
  await expect(page.getByRole('heading', { name: 'No sources yet' })).toBeVisible()
  await page.getByRole('link', { name: 'Add a source' }).first().click()

  await expect(page.getByRole('heading', { level: 1, name: 'Add an SFTP source' })).toBeVisible()
  await page.getByLabel('Name', { exact: true }).fill('Nightly CRM export')
  await page.getByLabel('Host', { exact: true }).fill(sshd.host)
  await page.getByLabel('Port', { exact: true }).fill(String(sshd.port))
  await page.getByLabel('User name', { exact: true }).fill(sshd.user)
  await page.getByRole('textbox', { name: 'Password', exact: true }).fill(sshd.password)
  await page.getByLabel('Folder on the server').fill(sshd.local('/in'))
  await page.getByRole('radio', { name: 'Only when I choose Run now' }).check()

  // First connection: the server's key is shown to be checked; nothing is sent before it is trusted.
  await page.getByRole('button', { name: 'Test connection' }).click()
  const prompt = page.getByRole('region', { name: 'Check the server’s key' })
  await expect(prompt).toBeVisible()
  await expect(prompt).toContainText(sshd.fingerprint)
  await expect(prompt).toContainText('ssh-ed25519')
  await page.screenshot({ path: `${SHOTS}/sftp-01-trust-prompt.png`, fullPage: true })
  await prompt.getByRole('button', { name: 'Trust this key' }).click()
  await expect(page.getByText('The connection works.')).toBeVisible()
  await expect(page.getByText(`Trusted host key: ssh-ed25519 ${sshd.fingerprint}`)).toBeVisible()
  await expect(page.getByRole('status').filter({ hasText: '1 file matching *.csv' })).toBeVisible()
  await page.screenshot({ path: `${SHOTS}/sftp-02-connection-works.png`, fullPage: true })

  await page.getByRole('button', { name: 'Save' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Sources' })).toBeVisible()
  await expect(page.getByText('Source “Nightly CRM export” saved.')).toBeVisible()
  const row = page.getByRole('row', { name: /Nightly CRM export/ })
  await expect(row).toContainText('Manual only')
  await expect(row).toContainText('Never run')

  await row.getByRole('button', { name: 'Run now Nightly CRM export' }).click()
  // While it runs: what it does (listing twice, seconds apart, to see the file is complete) and Cancel.
  await expect(row.getByRole('progressbar', { name: 'Running Nightly CRM export' })).toBeVisible()
  await expect(row.getByRole('button', { name: 'Cancel the run of Nightly CRM export' })).toBeVisible()
  await page.screenshot({ path: `${SHOTS}/sftp-03a-running.png`, fullPage: true })
  await expect(row.getByText('Succeeded')).toBeVisible({ timeout: 60_000 })
  await expect(row).toContainText('1 file: 1 imported')
  await page.screenshot({ path: `${SHOTS}/sftp-03-sources-after-run.png`, fullPage: true })

  await row.getByRole('link', { name: 'History of Nightly CRM export' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'History: Nightly CRM export' })).toBeVisible()
  const run = page.getByRole('region', { name: /Run #1/ })
  await expect(run).toContainText('Succeeded')
  await expect(run).toContainText('Started by: Run now')
  const file = run.getByRole('row', { name: /customers\.csv/ })
  await expect(file).toContainText('Imported')
  await expect(file).toContainText('5 rows: 4 new, 0 updated, 0 unchanged, 1 rejected')
  await expect(file).toContainText('Moved to processed/')

  const download = page.waitForEvent('download')
  await file.getByRole('button', { name: 'Rejected rows (CSV) of customers.csv' }).click()
  const saved = await download
  expect(saved.suggestedFilename()).toBe('customers-rejected-rows.csv')
  const content = readFileSync((await saved.path()) as string, 'utf8')
  expect(content).toContain('Failure Description')
  expect(content).toContain('not-an-email-1')
  await expect(page.getByText('Downloaded 1 rejected row of customers.csv.')).toBeVisible()
  await page.screenshot({ path: `${SHOTS}/sftp-04-history.png`, fullPage: true })

  // The backend and the server's disk agree with the page.
  const profile = await host.rpc<{ system: Record<string, unknown> }>('profiles.lookup', {
    key: 'e2e-sftp-3',
  })
  expect(profile.system['Email']).toBe('e2e-sftp-3@example.com')
  expect(existsSync(sshd.local('/in/processed/customers.csv'))).toBe(true)
  expect(existsSync(sshd.local('/in/customers.csv'))).toBe(false)

  // Pointed at another server, the stored password is not offered: the editor asks for it again.
  await page.getByRole('link', { name: 'Sources' }).first().click()
  await page.getByRole('link', { name: 'Nightly CRM export', exact: true }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Source: Nightly CRM export' })).toBeVisible()
  await expect(page.getByText('A password is stored.')).toBeVisible()
  await page.getByLabel('Port', { exact: true }).fill('2222')
  const password = page.getByRole('textbox', { name: 'Password', exact: true })
  await expect(password).toBeVisible()
  await expect(password).toHaveAccessibleDescription(
    'The server, user name or host key changed: the stored password is only ever sent to the server it was saved for.',
  )
  await expect(page.getByRole('button', { name: 'Keep the stored password' })).toHaveCount(0)
  await page.getByRole('button', { name: 'Test connection' }).click()
  await expect(page.getByRole('alert').filter({ hasText: 'Give the password again.' })).toBeVisible()
  await page.screenshot({ path: `${SHOTS}/sftp-05-password-again.png`, fullPage: true })
  // Back to the saved server: the stored password is kept again.
  await page.getByLabel('Port', { exact: true }).fill(String(sshd.port))
  await expect(page.getByText('A password is stored.')).toBeVisible()
})
