// Files given to the app from outside: on its command line (a second launch, "Open with", a CSV dropped on
// the icon: the OS starts the app with the path) or macOS's open-file event. Each CSV is granted to the
// backend (the page only ever holds a handle) and the window opens the import wizard with it.
import { existsSync, statSync } from 'node:fs'
import { extname, isAbsolute, resolve } from 'node:path'
import type { Envelope } from '../../shared/ipc/envelope'
import type { ChosenFile, GrantSource } from '../../shared/ipc/file-handle'

/** CSV files named on a command line (Electron's and Chromium's own switches are skipped). */
export function csvPathsFromArgv(argv: readonly string[], cwd: string): string[] {
  const paths: string[] = []
  for (const arg of argv.slice(1)) {
    if (arg.startsWith('-')) continue
    if (!['.csv', '.txt', '.tsv'].includes(extname(arg).toLowerCase())) continue
    const path = isAbsolute(arg) ? arg : resolve(cwd, arg)
    if (existsSync(path) && statSync(path).isFile()) paths.push(path)
  }
  return paths
}

export interface FileForwarding {
  /** The backend's grant (over the utility-process protocol), as an envelope. */
  grant(path: string, source: GrantSource): Promise<Envelope<ChosenFile>>
  /** Sends the window an app.command event (import-csv with the granted file). */
  send(file: ChosenFile): void
  onError(path: string, error: unknown): void
}

/** Grants the file and opens the import wizard with it; a refused path is reported, never thrown. */
export async function forwardFile(path: string, source: GrantSource, to: FileForwarding): Promise<boolean> {
  try {
    const reply = await to.grant(path, source)
    if (!reply.ok) {
      to.onError(path, new Error(reply.error.message))
      return false
    }
    to.send(reply.value)
    return true
  } catch (error) {
    to.onError(path, error)
    return false
  }
}
