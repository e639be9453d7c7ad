// The installer configuration is checked offline against electron-builder's own schema (building an
// installer needs Electron's download, which this machine cannot reach).
import { createRequire } from 'node:module'
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const require = createRequire(import.meta.url)
const root = resolve(import.meta.dirname, '../..')

interface BuilderConfig {
  files?: ({ filter?: string[] } | string)[]
  asarUnpack?: string[]
  linux?: { icon?: string }
  electronFuses?: Record<string, unknown> | null
  [key: string]: unknown
}

/**
 * Electron's fuses, flipped in the binary at packaging time. Off: ELECTRON_RUN_AS_NODE, NODE_OPTIONS,
 * --inspect and file:// extra privileges (anyone who can start the app could otherwise run their own
 * code with its identity). On: the app loads only from its asar, checked against its hash, and
 * cookies are encrypted.
 */
const REQUIRED_FUSES = {
  runAsNode: false,
  enableNodeOptionsEnvironmentVariable: false,
  enableNodeCliInspectArguments: false,
  grantFileProtocolExtraPrivileges: false,
  onlyLoadAppFromAsar: true,
  enableEmbeddedAsarIntegrityValidation: true,
  enableCookieEncryption: true,
} as const
const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
  getConfig(dir: string, path: string | null, extra: unknown): Promise<BuilderConfig>
  validateConfiguration(config: unknown, logger: unknown): Promise<void>
}
const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown }

describe('electron-builder.yml', () => {
  it('passes electron-builder schema validation and packs the built app with better-sqlite3 unpacked', async () => {
    const config = await getConfig(root, null, null)
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined()
    expect(JSON.stringify(config.files)).toContain('"out/**"')
    expect(config.asarUnpack).toContain('**/node_modules/better-sqlite3/**')
    expect(existsSync(resolve(root, config.linux?.icon ?? 'missing'))).toBe(true)
  })

  it('sets every security fuse, each the safe way round', async () => {
    const config = await getConfig(root, null, null)
    const fuses = config.electronFuses ?? {}
    for (const [fuse, wanted] of Object.entries(REQUIRED_FUSES)) {
      expect(fuses[fuse], `electronFuses.${fuse}`).toBe(wanted)
    }
  })

  it('would catch a misspelt fuse name', async () => {
    const config = await getConfig(root, null, null)
    const misspelt = { ...config, electronFuses: { ...config.electronFuses, runAsNod: false } }
    await expect(validateConfiguration(misspelt, new DebugLogger(false))).rejects.toThrow(/electronFuses/)
  })

  it('would catch a misspelt option', async () => {
    const config = { ...(await getConfig(root, null, null)), asarUnpak: ['x'] }
    await expect(validateConfiguration(config, new DebugLogger(false))).rejects.toThrow(/asarUnpak/)
  })
})
