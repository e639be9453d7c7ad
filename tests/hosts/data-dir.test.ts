// Where the data lives: --data-dir wins, then $PROFILE_DESK_DATA_DIR, then the OS's per-user app data
// folder; and the flag is found in a raw Electron argv.
import { homedir } from 'node:os'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { dataDirFlagFromArgv, resolveDataDir } from '../../electron/backend/adapters/data-dir'

describe('resolveDataDir', () => {
  it('prefers the flag, then the environment variable, as absolute paths', () => {
    expect(resolveDataDir({ flag: '/srv/a', env: { PROFILE_DESK_DATA_DIR: '/srv/b' } })).toBe('/srv/a')
    expect(resolveDataDir({ flag: 'rel/dir', env: {} })).toBe(resolve('rel/dir'))
    expect(resolveDataDir({ env: { PROFILE_DESK_DATA_DIR: '/srv/b' } })).toBe('/srv/b')
    expect(resolveDataDir({ flag: '  ', env: { PROFILE_DESK_DATA_DIR: '/srv/b' } })).toBe('/srv/b')
  })

  it('falls back to the per-user app data folder, without a -nodejs suffix', () => {
    const dir = resolveDataDir({ env: { PROFILE_DESK_DATA_DIR: '' } })
    expect(dir.endsWith('profile-desk')).toBe(true)
    if (process.platform === 'linux' && !process.env.XDG_DATA_HOME) {
      expect(dir).toBe(join(homedir(), '.local', 'share', 'profile-desk'))
    }
  })
})

describe('dataDirFlagFromArgv', () => {
  it('reads --data-dir DIR and --data-dir=DIR among Electron switches; the last one wins', () => {
    expect(dataDirFlagFromArgv(['/usr/bin/electron', '.', '--data-dir', '/x'])).toBe('/x')
    expect(dataDirFlagFromArgv(['electron', '--no-sandbox', '--data-dir=/y', '--inspect'])).toBe('/y')
    expect(dataDirFlagFromArgv(['electron', '--data-dir', '/x', '--data-dir=/z'])).toBe('/z')
    expect(dataDirFlagFromArgv(['electron', '--data-dir'])).toBeUndefined()
    expect(dataDirFlagFromArgv(['electron', '--data-dir', '--other'])).toBeUndefined()
    expect(dataDirFlagFromArgv(['electron', '.'])).toBeUndefined()
  })
})
