// Names a server lists are untrusted input: a "name" such as `../../x.csv`, `a/b.csv`, `..` or one holding
// a NUL would address something other than a file in the source's folder. Such names are refused before
// anything is downloaded, and every path built from a name (in the local spool, on the server) is checked
// once more to name exactly one entry inside its folder.
import { basename, dirname, posix, resolve } from 'node:path'
import { SftpFailure } from './failure'

/** Longest name shown in the history; a server may send names of any length. */
const MAX_SHOWN = 255

/** Why `name` is not a plain file name, or null when it is one. */
export function unsafeNameReason(name: string): string | null {
  if (name === '') return 'it is empty'
  if (name === '.' || name === '..') return `"${name}" names a folder, not a file`
  if (name.includes('/')) return 'it holds "/"'
  if (name.includes('\\')) return 'it holds "\\"'
  if (name.includes('\0')) return 'it holds a NUL character'
  return null
}

/** The name as the history shows it: control characters (a NUL…) written out, long names cut. */
export function printableName(name: string): string {
  if (name === '') return '(no name)'
  const shown = name.replace(/\p{Cc}/gu, (c) => `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`)
  return shown.length > MAX_SHOWN ? `${shown.slice(0, MAX_SHOWN)}…` : shown
}

/** The history's message for a listed name that is refused. */
export function unsafeNameMessage(name: string, reason: string): string {
  return (
    `Skipped: the server listed "${printableName(name)}", which is not a plain file name (${reason}). ` +
    'Nothing was downloaded and nothing on the server was touched: a name holding "/", "\\" or a NUL ' +
    'character, or "." or "..", could make Profile Desk read or write outside the folders it works in. ' +
    'Ask the server’s administrator why the folder lists this name.'
  )
}

function refuse(name: string, reason: string): SftpFailure {
  return new SftpFailure('failed', unsafeNameMessage(name, reason), false)
}

/** `folder/name` on the server, refused unless it names an entry directly inside `folder`. */
export function remoteChild(folder: string, name: string): string {
  const reason = unsafeNameReason(name)
  if (reason) throw refuse(name, reason)
  const path = posix.join(folder, name)
  const parent = posix.normalize(folder).replace(/(.)\/+$/, '$1')
  if (posix.dirname(path) !== parent || posix.basename(path) !== name)
    throw refuse(name, `it does not stay inside ${folder}`)
  return path
}

/** `folder/name` on this computer, resolved; refused unless it is a file directly inside `folder`. */
export function localChild(folder: string, name: string): string {
  const reason = unsafeNameReason(name)
  if (reason) throw refuse(name, reason)
  const parent = resolve(folder)
  const path = resolve(parent, name)
  // Catches what a platform reads differently, e.g. `c:x.csv` naming another drive on Windows.
  if (dirname(path) !== parent || basename(path) !== name)
    throw refuse(name, 'it does not stay inside the download folder on this computer')
  return path
}
