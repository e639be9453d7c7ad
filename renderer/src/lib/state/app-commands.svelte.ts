// Runs the app's menu commands (shared/app/commands.ts) in the page: from the renderer's own menu in a
// browser, or sent by Electron's native menu, a file drop or "Open with" (the `app.command` event).
import { commandById, type AppCommandEvent, type AppCommandId } from '$shared/app/commands'
import { api } from '../api/client'
import { importWizard } from './import-wizard.svelte'

class AppCommands {
  /** Set by "Back up database…": the Backups page starts a backup when it opens, then clears it. */
  backupRequested = $state(false)

  run(id: AppCommandId, event: Partial<AppCommandEvent> = {}, win: Window = window): void {
    const command = commandById(id)
    if (!command) return
    if (id === 'backup') this.backupRequested = true
    if (command.route) win.location.hash = `#${command.route}`
    if (id === 'import-csv' && event.file) void importWizard.openGiven(event.file)
  }

  /** A file dropped on the window: the import wizard opens it (uploaded like a file chosen in a browser). */
  importDropped(file: File, win: Window = window): void {
    win.location.hash = '#/import'
    void importWizard.chooseFile(file)
  }

  takeBackupRequest(): boolean {
    const requested = this.backupRequested
    this.backupRequested = false
    return requested
  }

  /** Follows the commands Electron's main process sends; returns the stop function. */
  listen(): () => void {
    return api.on('app.command', (event) => this.run(event.command, event))
  }
}

export const appCommands = new AppCommands()
