// The app's menu commands, one table for both menus: Electron's native menu bar (electron/main/menu.ts)
// and the renderer's own menu in a browser. A command that opens a screen names its route (the renderer's
// routes table decides what shows: a screen still being built shows "not found" until it lands).
import type { ChosenFile } from '../ipc/file-handle'

export type MenuName = 'file' | 'view' | 'help'

export interface AppCommand {
  id: AppCommandId
  menu: MenuName
  label: string
  /** The fragment path the command opens, when it opens a screen. */
  route?: string
  /** Electron's accelerator syntax (CmdOrCtrl: ⌘ on macOS, Ctrl elsewhere). */
  accelerator?: string
  /** Only where the app can reach the desktop (Electron): open a folder in the file manager, quit. */
  desktopOnly?: boolean
}

export const APP_COMMANDS = [
  { id: 'import-csv', menu: 'file', label: 'Import CSV…', route: '/import', accelerator: 'CmdOrCtrl+O' },
  {
    id: 'new-segment',
    menu: 'file',
    label: 'New segment',
    route: '/segments/new',
    accelerator: 'CmdOrCtrl+N',
  },
  {
    id: 'backup',
    menu: 'file',
    label: 'Back up database…',
    route: '/backups',
    accelerator: 'CmdOrCtrl+Shift+B',
  },
  { id: 'restore', menu: 'file', label: 'Restore from backup…', route: '/backups' },
  { id: 'open-data-folder', menu: 'file', label: 'Open data folder', desktopOnly: true },
  { id: 'find-people', menu: 'view', label: 'Find People', route: '/people', accelerator: 'CmdOrCtrl+1' },
  { id: 'overview', menu: 'view', label: 'Overview', route: '/overview', accelerator: 'CmdOrCtrl+2' },
  { id: 'history', menu: 'view', label: 'History', route: '/history', accelerator: 'CmdOrCtrl+3' },
  { id: 'sync', menu: 'view', label: 'Sync', route: '/sync', accelerator: 'CmdOrCtrl+4' },
  { id: 'about', menu: 'help', label: 'About Profile Desk', route: '/about' },
  { id: 'open-logs-folder', menu: 'help', label: 'Open logs folder', desktopOnly: true },
] as const satisfies readonly (Omit<AppCommand, 'id'> & { id: string })[]

export type AppCommandId = (typeof APP_COMMANDS)[number]['id']

export const MENU_LABELS: Record<MenuName, string> = { file: 'File', view: 'View', help: 'Help' }

/** What Electron's main process sends the window: a menu command, or a file to import (drop, open with). */
export interface AppCommandEvent {
  command: AppCommandId
  /** With import-csv: the file given to the app (already granted: the page holds only its handle). */
  file?: ChosenFile
}

export function commandById(id: string): AppCommand | undefined {
  return (APP_COMMANDS as readonly AppCommand[]).find((c) => c.id === id)
}
