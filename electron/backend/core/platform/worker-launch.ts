// How the backend starts one of its worker threads: the built entry beside the bundle, or (running from
// TypeScript source: tests, tsx) the source entry through tsx. Imports and the segment engine share it.
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

export type WorkerLaunch = { url: URL | string; options: { eval?: boolean } }

/**
 * `entry` is the worker's file name without extension ('import-worker'), next to `moduleUrl` (the caller's
 * import.meta.url) in source, and a bundle entry of the same name once built. Null when neither exists.
 */
export function workerLaunch(entry: string, moduleUrl: string): WorkerLaunch | null {
  if (moduleUrl.endsWith('.ts')) {
    const source = new URL(`./${entry}.ts`, moduleUrl).href
    // A TypeScript checkout (tests, tsx): the worker registers tsx before loading its entry.
    const script = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(source)}) })`
    return { url: script, options: { eval: true } }
  }
  for (const candidate of [`./${entry}.js`, `../${entry}.js`]) {
    const url = new URL(candidate, moduleUrl)
    if (existsSync(fileURLToPath(url))) return { url, options: {} }
  }
  return null
}
