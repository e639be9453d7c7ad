// Outside Electron there is no native dialog: the backend answers dialog.openFile with "not available
// here" (so the page falls back to a file input), and still refuses a malformed request.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createBackend, type Backend } from '../../electron/backend/adapters/ipc/create-backend'
import { silentLogger } from '../../electron/backend/core/platform/logger'

let backend: Backend | null = null
let dataDir: string | null = null

afterEach(async () => {
  await backend?.close()
  if (dataDir) rmSync(dataDir, { recursive: true, force: true })
  backend = null
  dataDir = null
})

describe('dialog.openFile in the backend', () => {
  it('says the native dialog is not available, without an error', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'profile-desk-dialogs-'))
    backend = createBackend({ dataDir, host: 'test', logger: silentLogger })
    const reply = await backend.dispatch('dialog.openFile', {
      title: 'Choose a CSV file',
      filters: [{ name: 'CSV files', extensions: ['csv'] }],
    })
    expect(reply).toEqual({ ok: true, value: { file: null, available: false } })
    const invalid = await backend.dispatch('dialog.openFile', {
      title: 'x',
      filters: [{ name: 'bad', extensions: ['../x'] }],
    })
    expect(invalid).toMatchObject({ ok: false, error: { code: 'validation' } })
  })
})
