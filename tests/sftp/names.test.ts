// The checks every remote name passes before it becomes a path: the names a server may list that are not
// plain file names, how the history shows them, and the paths built from names on the server and locally.
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseManifest } from '../../electron/backend/core/sftp/manifest'
import {
  localChild,
  printableName,
  remoteChild,
  unsafeNameReason,
} from '../../electron/backend/core/sftp/names'

describe('names a server lists', () => {
  it('refuses what is not a plain file name, saying why', () => {
    expect(unsafeNameReason('')).toBe('it is empty')
    expect(unsafeNameReason('.')).toBe('"." names a folder, not a file')
    expect(unsafeNameReason('..')).toBe('".." names a folder, not a file')
    expect(unsafeNameReason('../../x.csv')).toBe('it holds "/"')
    expect(unsafeNameReason('a/b.csv')).toBe('it holds "/"')
    expect(unsafeNameReason('x\\y.csv')).toBe('it holds "\\"')
    expect(unsafeNameReason('nul\0.csv')).toBe('it holds a NUL character')
    for (const name of ['people.csv', '..hidden.csv', 'a..b.csv', 'résumé 2024.csv', '.csv']) {
      expect(unsafeNameReason(name)).toBeNull()
    }
  })

  it('shows control characters written out and cuts very long names', () => {
    expect(printableName('nul\0.csv')).toBe('nul\\u0000.csv')
    expect(printableName('line\nbreak.csv')).toBe('line\\u000abreak.csv')
    expect(printableName('')).toBe('(no name)')
    expect(printableName('x'.repeat(1000))).toBe(`${'x'.repeat(255)}…`)
  })

  it('a manifest may not name a path or a name with a NUL', () => {
    for (const fileName of ['../x.csv', 'a\\b.csv', '..', 'x\0.csv']) {
      const parsed = parseManifest(JSON.stringify({ fileName }), 'm.manifest')
      expect(parsed).toMatchObject({ ok: false })
      expect(parsed.ok ? '' : parsed.message).toContain('"fileName" must be a file name in the same folder')
    }
  })
})

describe('paths built from names', () => {
  it('on the server: only an entry directly inside the folder', () => {
    expect(remoteChild('/in', 'a.csv')).toBe('/in/a.csv')
    expect(remoteChild('/in/', 'a.csv')).toBe('/in/a.csv')
    expect(remoteChild('in', 'a.csv')).toBe('in/a.csv')
    expect(remoteChild('.', 'a.csv')).toBe('a.csv')
    expect(remoteChild('/', 'a.csv')).toBe('/a.csv')
    for (const name of ['../a.csv', '..', '.', '', 'a/b.csv', 'x\0.csv']) {
      expect(() => remoteChild('/in', name)).toThrow(/^Skipped: the server listed/)
    }
  })

  it('on this computer: a file directly inside the download folder, resolved', () => {
    const folder = join('spool', 'run-1', 'file-2')
    expect(localChild(folder, 'a.csv')).toBe(resolve(folder, 'a.csv'))
    for (const name of ['../a.csv', '..', '.', '', 'a/b.csv', 'x\\y.csv', 'x\0.csv']) {
      expect(() => localChild(folder, name)).toThrow(/not a plain file name/)
    }
  })
})
