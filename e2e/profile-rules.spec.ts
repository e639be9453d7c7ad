// Where the profile page follows CleverTap's rules and says so honestly: the link to the profile holding a
// conflicting identifier works; control-group exclusion is described as kept in Profile Desk only and
// listed on its own page, where a profile can be included again; the delete dialog says the remote
// deletion follows at the next sync; Settings chooses the identity set.
import { expect, test, type Page } from '@playwright/test'
import { startHost, type RunningHost } from '../test-support/web-host'

let host: RunningHost
let holder: string
let other: string

test.beforeAll(async () => {
  host = await startHost()
  holder = (
    await host.rpc<{ id: string }>('profiles.create', {
      identifiers: [{ kind: 'identity', value: 'e2e-holder' }],
      changes: [{ op: 'set', key: 'Name', value: 'Holder Person' }],
    })
  ).id
  other = (
    await host.rpc<{ id: string }>('profiles.create', {
      changes: [{ op: 'set', key: 'Name', value: 'Other Person' }],
    })
  ).id
})

test.afterAll(async () => {
  await host?.stop()
})

async function openProfile(page: Page, id: string, name: string): Promise<void> {
  await page.goto(host.url)
  await page.evaluate((profileId) => (location.hash = `#/profile/${encodeURIComponent(profileId)}`), id)
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible()
}

test('an identifier another profile holds links to that profile', async ({ page }) => {
  await openProfile(page, other, 'Other Person')
  await page.getByRole('button', { name: 'Add identifier' }).click()
  await page.getByLabel('Identifier kind').selectOption('identity')
  await page.getByLabel('Identifier value').fill('e2e-holder')
  await page.getByRole('button', { name: 'Add identifier' }).click()
  await expect(
    page.getByRole('alert').filter({ hasText: 'already belongs to another profile' }),
  ).toBeVisible()
  await page.getByRole('link', { name: 'Open the profile that holds it' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Holder Person' })).toBeVisible()
  expect(page.url()).toContain(`#/profile/${encodeURIComponent(holder)}`)
})

test('exclusion is kept in Profile Desk only, listed on its page and included again there', async ({
  page,
}) => {
  const pendingBefore = (await host.rpc<{ pending: number }>('sync.status', {})).pending
  await openProfile(page, holder, 'Holder Person')
  const actions = page.getByRole('region', { name: 'Actions' })
  await expect(actions).toContainText('Kept in Profile Desk only')
  await actions.getByRole('button', { name: 'Exclude from control groups' }).click()
  await expect(actions.getByRole('button', { name: 'Re-include in control groups' })).toBeVisible()
  await expect(page.locator('body')).not.toContainText(/always receives campaigns/i)
  // Nothing was queued for the remote: the API has no field for it.
  expect((await host.rpc<{ pending: number }>('sync.status', {})).pending).toBe(pendingBefore)

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Control groups' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Excluded from control groups' })).toBeFocused()
  await expect(page.getByText('1 of 20 places used')).toBeVisible()
  await expect(page.getByRole('note')).toContainText('Kept in Profile Desk only')
  await expect(page.getByRole('link', { name: 'Holder Person' })).toBeVisible()
  await page.getByRole('button', { name: 'Include Holder Person in control groups again' }).click()
  await expect(page.getByRole('heading', { name: 'No profile is excluded' })).toBeVisible()
  const detail = await host.rpc<{ excludedFromControlGroups: boolean }>('profiles.get', { id: holder })
  expect(detail.excludedFromControlGroups).toBe(false)
})

test('the delete dialog says the profile is deleted from the remote at the next sync', async ({ page }) => {
  await openProfile(page, other, 'Other Person')
  await page.getByRole('button', { name: 'Delete profile' }).click()
  const dialog = page.getByRole('dialog', { name: 'Delete this profile?' })
  await expect(dialog).toContainText('removed from this computer')
  await expect(dialog).toContainText('deleted from the remote profile API at the next sync')
  await expect(dialog).toContainText('about 48 hours')
  await dialog.getByRole('button', { name: 'Keep profile' }).click()
  await expect(dialog).toBeHidden()
})

test('Settings: the identity set adds Phone and says what it does', async ({ page }) => {
  await page.goto(host.url)
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click()
  const section = page.getByRole('region', { name: 'Identity set' })
  await expect(section.getByRole('checkbox', { name: 'Identity' })).toBeChecked()
  await expect(section.getByRole('checkbox', { name: 'Identity' })).toBeDisabled()
  await expect(section.getByRole('checkbox', { name: 'Email' })).toBeChecked()
  await section.getByRole('checkbox', { name: 'Phone' }).check()
  await section.getByRole('button', { name: 'Apply identity set' }).click()
  await expect(section.getByRole('status').filter({ hasText: 'Saved' })).toHaveText(
    'Saved: rows are matched on Identity, then Email, then Phone. Imports started from now on use it.',
  )
  expect((await host.rpc<{ keys: string[] }>('profiles.identitySet', {})).keys).toEqual([
    'Identity',
    'Email',
    'Phone',
  ])
})
