// The foundation's main flow, as a person does it: search → open a profile → an invalid email is
// refused with a message → a valid one is saved → mark as test profile → reload → all persisted.
import { expect, test } from '@playwright/test'
import { mkdirSync } from 'node:fs'
import { startHost, type RunningHost } from '../test-support/web-host'

const SHOTS = 'e2e-artifacts'
let host: RunningHost

test.beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true })
  host = await startHost({ seedProfiles: 300 })
  await host.rpc('profiles.create', {
    changes: [
      { op: 'set', key: 'Name', value: 'Zoë Lindqvist' },
      { op: 'set', key: 'Phone', value: '+46701234567' },
    ],
    identifiers: [{ kind: 'identity', value: 'zoe-lindqvist-001' }],
  })
})

test.afterAll(async () => {
  await host?.stop()
})

test('search, open, edit email with validation, mark as test, reload: all persisted', async ({ page }) => {
  await page.goto(host.url)
  // The token leaves the address bar once read.
  await expect(page).not.toHaveURL(/token=/)

  const search = page.getByRole('searchbox', { name: 'Search profiles' })
  await search.fill('zoe lind') // accents folded: "Zoë" is found by "zoe"
  const result = page.getByRole('link', { name: /Zoë Lindqvist/ })
  await expect(result).toBeVisible()
  await page.screenshot({ path: `${SHOTS}/01-search.png`, fullPage: true })
  await result.click()

  await expect(page.getByRole('heading', { level: 1, name: 'Zoë Lindqvist' })).toBeVisible()
  await page.getByRole('button', { name: 'Edit Email' }).click()
  const email = page.getByRole('textbox', { name: 'Email' })
  await email.fill('zoe@')
  const alert = page.getByRole('alert').filter({ hasText: /Email/ })
  await expect(alert).toBeVisible()
  await expect(alert).toContainText('zoe@')
  await expect(page.getByRole('button', { name: 'Save' })).toBeDisabled()
  await page.screenshot({ path: `${SHOTS}/02-invalid-email.png`, fullPage: true })

  await email.fill('zoe.lindqvist@example.se')
  await expect(alert).toBeHidden()
  await page.getByRole('button', { name: 'Save' }).click()
  await expect(page.getByText('zoe.lindqvist@example.se').first()).toBeVisible()

  await page.getByRole('button', { name: 'Mark as test profile' }).click()
  await expect(page.getByRole('button', { name: 'Unmark test profile' })).toBeVisible()
  await expect(page.getByText('Test profile', { exact: true }).first()).toBeVisible()

  await page.reload()
  await expect(page.getByRole('heading', { level: 1, name: 'Zoë Lindqvist' })).toBeVisible()
  await expect(page.getByText('zoe.lindqvist@example.se').first()).toBeVisible()
  await expect(page.getByText('Test profile', { exact: true }).first()).toBeVisible()
  await expect(page.getByRole('button', { name: 'Unmark test profile' })).toBeVisible()
  await page.screenshot({ path: `${SHOTS}/03-persisted.png`, fullPage: true })

  // The backend agrees with what the page shows.
  const stored = await host.rpc<{ system: Record<string, unknown>; isTest: boolean }>('profiles.lookup', {
    key: 'zoe-lindqvist-001',
  })
  expect(stored.system['Email']).toBe('zoe.lindqvist@example.se')
  expect(stored.isTest).toBe(true)
})

test('the history shows the email change with who and old → new', async ({ page }) => {
  await page.goto(host.url)
  await page.getByRole('searchbox', { name: 'Search profiles' }).fill('zoe-lindqvist-001')
  await page.getByRole('link', { name: /Zoë Lindqvist/ }).click()
  await expect(page.getByText('zoe.lindqvist@example.se').first()).toBeVisible()
  await expect(page.getByRole('region', { name: /history/i })).toContainText('Email')
})
