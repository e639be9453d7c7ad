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
  [key: string]: unknown
}
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

  it('would catch a misspelt option', async () => {
    const config = { ...(await getConfig(root, null, null)), asarUnpak: ['x'] }
    await expect(validateConfiguration(config, new DebugLogger(false))).rejects.toThrow(/asarUnpak/)
  })
})
