// The native menu bar, built from the app's one command table (shared/app/commands.ts): File, Edit (the
// platform's roles), View and Help, with the platform's shortcuts; macOS gets its app menu first.
import type { MenuItemConstructorOptions } from 'electron'
import {
  APP_COMMANDS,
  MENU_LABELS,
  type AppCommand,
  type AppCommandId,
  type MenuName,
} from '../../shared/app/commands'

/** What a click does: every command goes to `run` (main decides: a folder, About, or the window). */
export type RunCommand = (id: AppCommandId) => void

function items(menu: MenuName, run: RunCommand): MenuItemConstructorOptions[] {
  return (APP_COMMANDS as readonly AppCommand[])
    .filter((c) => c.menu === menu)
    .map((c) => ({
      id: c.id,
      label: c.label,
      ...(c.accelerator ? { accelerator: c.accelerator } : {}),
      click: () => run(c.id),
    }))
}

export function menuTemplate(platform: NodeJS.Platform, run: RunCommand): MenuItemConstructorOptions[] {
  const mac = platform === 'darwin'
  const file: MenuItemConstructorOptions = {
    label: MENU_LABELS.file,
    submenu: [...items('file', run), { type: 'separator' }, mac ? { role: 'close' } : { role: 'quit' }],
  }
  const edit: MenuItemConstructorOptions = { role: 'editMenu' }
  const view: MenuItemConstructorOptions = {
    label: MENU_LABELS.view,
    submenu: [
      ...items('view', run),
      { type: 'separator' },
      { role: 'togglefullscreen' },
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
    ],
  }
  const help: MenuItemConstructorOptions = { role: 'help', submenu: items('help', run) }
  return mac
    ? [{ role: 'appMenu' }, file, edit, view, { role: 'windowMenu' }, help]
    : [file, edit, view, help]
}
