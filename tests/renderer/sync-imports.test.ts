// The sync screens load without zod: following their runtime imports (type-only ones vanish from the
// bundle) never reaches a module that imports it, so the contract's schemas stay in the backend.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const ROOT = resolve(import.meta.dirname, '../..')
const RENDERER = join(ROOT, 'renderer/src')

/** Module specifiers of the runtime imports of a file (`import type …` left out). */
function runtimeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8')
  const specifiers: string[] = []
  for (const match of text.matchAll(/^\s*import\s+(type\s)?[^'"]*?(?:from\s+)?'([^']+)'/gm)) {
    if (match[1] === undefined && match[2] !== undefined) specifiers.push(match[2])
  }
  return specifiers
}

function resolveModule(from: string, specifier: string): string | null {
  const base = resolve(dirname(from), specifier)
  const found = [base, `${base}.ts`, join(base, 'index.ts')].find(
    (candidate) => existsSync(candidate) && statSync(candidate).isFile(),
  )
  return found ?? null
}

/** The chain of files from `entry` to the first one importing `pkg` at runtime, or null. */
function pathToPackage(entry: string, pkg: string): string[] | null {
  const seen = new Set<string>()
  const queue: string[][] = [[entry]]
  for (let steps = 0; queue.length > 0 && steps < 5000; steps += 1) {
    const chain = queue.shift() as string[]
    const file = chain.at(-1) as string
    if (seen.has(file)) continue
    seen.add(file)
    for (const specifier of runtimeImports(file)) {
      if (specifier === pkg || specifier.startsWith(`${pkg}/`)) return chain
      if (!specifier.startsWith('.')) continue
      const next = resolveModule(file, specifier)
      if (next !== null) queue.push([...chain, next])
    }
  }
  return null
}

function filesIn(folder: string, pattern: RegExp): string[] {
  return readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .filter((name) => pattern.test(name))
    .map((name) => join(folder, name))
}

describe('the sync screens', () => {
  const entries = [
    ...filesIn(join(RENDERER, 'views/sync'), /\.svelte$/),
    ...filesIn(join(RENDERER, 'components/sync'), /\.svelte$/),
    ...filesIn(join(RENDERER, 'lib/sync'), /\.ts$/),
    ...filesIn(join(RENDERER, 'lib/state'), /^sync.*\.svelte\.ts$/),
  ]

  it('are all found', () => {
    expect(entries.map((file) => file.slice(RENDERER.length + 1))).toEqual(
      expect.arrayContaining(['views/sync/SettingsPage.svelte', 'lib/sync/remote-settings.ts']),
    )
  })

  it.each(entries.map((file) => [file.slice(RENDERER.length + 1), file]))(
    '%s reaches no zod through its runtime imports',
    (_name, file) => {
      expect(pathToPackage(file, 'zod')).toBeNull()
    },
  )

  it('would notice a runtime import of the sync contract', () => {
    // The contract module itself imports zod: the walk must find it.
    expect(pathToPackage(join(ROOT, 'shared/ipc/channels/sync.ts'), 'zod')).not.toBeNull()
  })
})
