// The Backups page's state: the list and settings, "Back up now", a download (browser), and a restore of a
// listed backup or of a chosen / uploaded file, each only after the person confirmed it.
import type { BackupOverview, CreatedBackup, RestoreResult } from '$shared/backup/types'
import type { ChosenFile } from '$shared/ipc/file-handle'
import { api, toApiError, type ApiError } from '../api/client'
import { downloadBackup } from '../backup/download-backup'
import { uploadFile } from '../import/upload-file'
import { session } from './session.svelte'

/** What a restore would put in place, waiting for the person's yes. */
export type RestoreChoice = { kind: 'backup'; name: string } | { kind: 'file'; file: ChosenFile }

export class BackupsState {
  overview = $state<BackupOverview | null>(null)
  error = $state<ApiError | null>(null)
  busy = $state<'backup' | 'restore' | 'download' | 'upload' | null>(null)
  made = $state<CreatedBackup | null>(null)
  restored = $state<RestoreResult | null>(null)
  /** Asked for: the confirm dialog is open while this is set. */
  pending = $state<RestoreChoice | null>(null)
  restoreError = $state<string | null>(null)
  /** Electron hands a file over by handle from its dialog; a browser uploads one. */
  useNativeDialog = $derived(session.host === 'electron')

  async load(): Promise<void> {
    try {
      this.overview = await api.call('backup.list', {})
      this.error = null
    } catch (error) {
      this.error = toApiError(error)
    }
  }

  async backUp(): Promise<void> {
    await this.#run('backup', async () => {
      this.made = await api.call('backup.create', {})
      await this.load()
    })
  }

  async download(name: string): Promise<void> {
    await this.#run('download', () => downloadBackup(name))
  }

  async setSettings(update: { auto?: boolean; keep?: number }): Promise<void> {
    await this.#run(null, async () => {
      await api.call('backup.settings.update', update)
      await this.load()
    })
  }

  ask(choice: RestoreChoice): void {
    this.restoreError = null
    this.pending = choice
  }

  cancel(): void {
    const pending = this.pending
    this.pending = null
    // An upload nobody restores is deleted now rather than in a day.
    if (pending?.kind === 'file' && !this.useNativeDialog) {
      void api.call('imports.upload.discard', { uploadId: pending.file.handle }).catch(() => undefined)
    }
  }

  /** Electron: the native dialog; the chosen file then waits for confirmation. */
  async chooseWithDialog(): Promise<void> {
    await this.#run(null, async () => {
      const reply = await api.call('dialog.openFile', {
        title: 'Choose a Profile Desk backup',
        filters: [{ name: 'Profile Desk backups', extensions: ['db'] }],
      })
      if (reply.file) this.ask({ kind: 'file', file: reply.file })
    })
  }

  /** A browser: the file is uploaded first, then waits for confirmation. */
  async chooseFile(file: File): Promise<void> {
    await this.#run('upload', async () => {
      const uploaded = await uploadFile(file, () => undefined, new AbortController().signal)
      this.ask({ kind: 'file', file: uploaded })
    })
  }

  /** After the yes: the restore; then the page reloads, so every screen reads the restored data. */
  async confirm(): Promise<boolean> {
    const choice = this.pending
    if (!choice || this.busy) return false
    this.busy = 'restore'
    try {
      this.restored = await api.call(
        'backup.restore',
        choice.kind === 'backup'
          ? { backup: choice.name, confirm: true }
          : { file: choice.file.handle, confirm: true },
      )
      this.pending = null
      return true
    } catch (error) {
      this.restoreError = toApiError(error).message
      return false
    } finally {
      this.busy = null
    }
  }

  async #run(kind: BackupsState['busy'], work: () => Promise<void>): Promise<void> {
    if (this.busy) return
    this.busy = kind
    this.error = null
    try {
      await work()
    } catch (error) {
      this.error = toApiError(error)
    } finally {
      this.busy = null
    }
  }
}
