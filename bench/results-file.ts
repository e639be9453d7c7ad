// Where a bench writes what it measured: bench/results/<name>.json, stamped with the time and Node version.
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const RESULTS = join(dirname(fileURLToPath(import.meta.url)), 'results')

/** Writes the report (after `at` and `node`) and returns the file's path. */
export function writeBenchResults(name: string, report: Record<string, unknown>): string {
  const out = join(RESULTS, `${name}.json`)
  mkdirSync(RESULTS, { recursive: true })
  writeFileSync(
    out,
    `${JSON.stringify({ at: new Date().toISOString(), node: process.version, ...report }, null, 2)}\n`,
  )
  return out
}
