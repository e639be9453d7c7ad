// `npm run dist` cannot run here (Electron's zip and headers need the network), so the built app is packed
// with a stand-in Electron (TOOLCHAIN.md §6): electronDist a folder with a dummy executable and its
// version, npmRebuild off and the fuses off for this pack only. The asar must hold out/ and production
// dependencies only, better-sqlite3's .node file unpacked, and node_modules must be left untouched.
import { createHash } from 'node:crypto'
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const require = createRequire(import.meta.url)
const root = resolve(import.meta.dirname, '../..')
const NATIVE = join(root, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node')

const { getConfig } = require('app-builder-lib/out/util/config/config') as {
  getConfig(dir: string, path: string | null, extra: unknown): Promise<Record<string, unknown>>
}
const builder = require('electron-builder') as {
  build(options: { projectDir: string; targets: unknown; config: Record<string, unknown> }): Promise<string[]>
  Platform: { LINUX: { createTarget(types: string[]): unknown } }
}
const asar = require('@electron/asar') as { listPackage(file: string, options: object): string[] }

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex')

describe('packing the built app (stand-in Electron)', () => {
  it('puts out/ and the production dependencies in app.asar, with better-sqlite3 unpacked', async () => {
    expect(existsSync(join(root, 'out/main/index.js')), 'run `npm run build` first').toBe(true)
    const work = mkdtempSync(join(tmpdir(), 'pd-pack-'))
    const electronDist = join(work, 'electron-dist')
    const { mkdirSync } = await import('node:fs')
    mkdirSync(electronDist)
    writeFileSync(join(electronDist, 'electron'), '#!/bin/sh\nexit 0\n')
    chmodSync(join(electronDist, 'electron'), 0o755)
    writeFileSync(join(electronDist, 'version'), 'v45.5.0')
    const nativeBefore = sha(NATIVE)
    try {
      const config = await getConfig(root, null, null)
      await builder.build({
        projectDir: root,
        targets: builder.Platform.LINUX.createTarget(['dir']),
        config: {
          ...config,
          electronDist,
          npmRebuild: false,
          // The fuses are flipped in a real Electron binary; the stand-in has none to flip.
          electronFuses: null,
          directories: { ...(config.directories as object), output: join(work, 'dist') },
        },
      })
      const resources = join(work, 'dist/linux-unpacked/resources')
      const files = asar.listPackage(join(resources, 'app.asar'), { isPack: false })
      expect(files).toContain('/out/main/index.js')
      expect(files).toContain('/out/renderer/index.html')
      expect(files).toContain('/package.json')
      expect(files.some((f) => f.startsWith('/node_modules/better-sqlite3/'))).toBe(true)
      expect(files.some((f) => f.startsWith('/node_modules/rotating-file-stream/'))).toBe(true)
      // Sources, tests and development tools stay out.
      for (const absent of [
        '/electron/',
        '/renderer/src/',
        '/tests/',
        '/node_modules/vitest/',
        '/node_modules/electron/',
      ]) {
        expect(
          files.some((f) => f.startsWith(absent)),
          absent,
        ).toBe(false)
      }
      const unpacked = join(
        resources,
        'app.asar.unpacked/node_modules/better-sqlite3/build/Release/better_sqlite3.node',
      )
      expect(existsSync(unpacked)).toBe(true)
      expect(sha(NATIVE)).toBe(nativeBefore)
    } finally {
      rmSync(work, { recursive: true, force: true })
    }
  }, 180_000)
})
