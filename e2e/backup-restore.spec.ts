// Backup and restore in the browser: the app's own menu has Back up (the backup is offered as a download)
// and Restore (a file upload); after the restore the earlier state shows again, and the restore asked first.
import { readFileSync } from 'node:fs'
import { expect, test } from '@playwright/test'
import { startHost, type RunningHost } from '../test-support/web-host'

let host: RunningHost

test.beforeAll(async () => {
  host = await startHost()
})

test.afterAll(async () => {
  await host?.stop()
})

async function menuCommand(page: import('@playwright/test').Page, label: string): Promise<void> {
  await page.getByRole('button', { name: 'Menu' }).click()
  await page.getByRole('button', { name: label }).click()
}

/**
 * Goes to Find People the way a person does, by the main navigation: a page.goto to another hash raced the
 * app's own move to #/backups on a loaded CI machine ("navigation interrupted").
 */
async function findPeople(page: import('@playwright/test').Page): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Find People' }).click()
  await expect(page.getByRole('searchbox').first()).toBeVisible()
}

test('Back up downloads the database; Restore uploads it and brings the earlier state back', async ({
  page,
}, testInfo) => {
  await host.rpc('profiles.create', { identifiers: [{ kind: 'identity', value: 'before-backup' }] })
  await page.goto(host.url)

  await menuCommand(page, 'Back up database…')
  await expect(page.getByRole('heading', { name: 'Backups', level: 1 })).toBeVisible()
  await expect(page.getByRole('status').filter({ hasText: /Backed up to profile-desk-.*\.db/ })).toBeVisible()
  const downloading = page.waitForEvent('download')
  await page
    .getByRole('button', { name: /^Download profile-desk-.*\.db$/ })
    .first()
    .click()
  const download = await downloading
  expect(download.suggestedFilename()).toMatch(/^profile-desk-\d{4}-\d{2}-\d{2}-\d{6}\.db$/)
  const saved = testInfo.outputPath(download.suggestedFilename())
  await download.saveAs(saved)
  expect(readFileSync(saved).subarray(0, 15).toString()).toBe('SQLite format 3')

  // Work after the backup, then restore the downloaded file by upload.
  await host.rpc('profiles.create', { identifiers: [{ kind: 'identity', value: 'after-backup' }] })
  await findPeople(page)
  await page.getByRole('searchbox').first().fill('after-backup')
  await expect(page.getByRole('link', { name: /after-backup/ }).first()).toBeVisible()

  await menuCommand(page, 'Restore from backup…')
  await page.locator('input[type=file]').setInputFiles(saved)
  const dialog = page.getByRole('dialog', { name: /^Restore profile-desk-.*\.db\?$/ })
  await expect(dialog).toBeVisible()
  await expect(dialog).toContainText('kept in the backups folder')
  await dialog.getByRole('button', { name: 'Restore' }).click()
  await expect(dialog).toBeHidden({ timeout: 20_000 })

  await findPeople(page)
  await page.getByRole('searchbox').first().fill('backup')
  await expect(page.getByRole('link', { name: /before-backup/ }).first()).toBeVisible()
  await expect(page.getByRole('link', { name: /after-backup/ })).toHaveCount(0)
  const info = await host.rpc<{ profileCount: number }>('app.info', {})
  expect(info.profileCount).toBe(1)
  const listed = await host.rpc<{ backups: { kind: string }[] }>('backup.list', {})
  expect(listed.backups.map((b) => b.kind)).toContain('before-restore')
})
