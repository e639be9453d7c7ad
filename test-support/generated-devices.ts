// The device columns of the import benchmark's generated profile file (generate-profiles.ts): the
// push_token column alone (its default), with a platform column beside it, or neither.
import { HEADER } from './generate-profiles'

/** Which device columns the file has (the default's bytes are those of generator version 1). */
export type DeviceColumns = 'token' | 'platform' | 'none'
export const DEVICE_COLUMNS: readonly DeviceColumns[] = ['token', 'platform', 'none']

/** A function, not a constant: the two modules import each other, so HEADER is read only once both are loaded. */
const tokenColumn = () => HEADER.indexOf('push_token')

/** The header of a file with these device columns. */
export function headerOf(devices: DeviceColumns): string[] {
  if (devices === 'token') return HEADER
  const TOKEN_COLUMN = tokenColumn()
  if (devices === 'none') return HEADER.filter((_h, i) => i !== TOKEN_COLUMN)
  return [...HEADER.slice(0, TOKEN_COLUMN + 1), 'platform', ...HEADER.slice(TOKEN_COLUMN + 1)]
}

/** A token's platform, from its first hex digit (no random draw, so the other cells stay as they were). */
function platformOf(token: string): string {
  const digit = Number.parseInt(token[0] ?? '0', 16)
  return digit < 9 ? 'Android' : digit < 14 ? 'iOS' : 'Web'
}

/** The row's cells with these device columns (the token's column dropped, or a platform put beside it). */
export function withDevices(cells: string[], devices: DeviceColumns): string[] {
  if (devices === 'token') return cells
  const TOKEN_COLUMN = tokenColumn()
  const token = cells[TOKEN_COLUMN] ?? ''
  if (devices === 'none') return cells.filter((_c, i) => i !== TOKEN_COLUMN)
  const platform = token === '' ? '' : platformOf(token)
  return [...cells.slice(0, TOKEN_COLUMN + 1), platform, ...cells.slice(TOKEN_COLUMN + 1)]
}
