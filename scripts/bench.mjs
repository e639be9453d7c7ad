#!/usr/bin/env node
// `npm run bench -- <name> [args]` runs bench/<name>.ts (with tsx); without a name, lists them.
// Each benchmark measures its own baseline in the same run and prints ratios against it.
import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
// Each benchmark is a top-level bench/<name>.ts; helpers live in subfolders (bench/import/…).
const available = readdirSync(join(root, 'bench'))
  .filter((f) => /^[a-z0-9-]+\.ts$/.test(f))
  .map((f) => f.replace(/\.ts$/, ''))
const [name, ...rest] = process.argv.slice(2)
if (!name || !available.includes(name)) {
  console.log(`usage: npm run bench -- <${available.join('|')}> [options]`)
  process.exit(name ? 2 : 0)
}
const result = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'bench', `${name}.ts`), ...rest], {
  stdio: 'inherit',
  cwd: root,
})
process.exit(result.status ?? 1)
