// What the benches' command lines share: number options with defaults, and --data-dir (a folder to keep
// and reuse; without it a fresh temporary folder the bench removes when it ends).
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'

export function benchArgs<K extends string>(
  defaults: Record<K, number>,
  tempPrefix: string,
): { numbers: Record<K, number>; dataDir: string; keep: boolean } {
  const options: Record<string, { type: 'string'; default?: string }> = { 'data-dir': { type: 'string' } }
  for (const [name, value] of Object.entries<number>(defaults))
    options[name] = { type: 'string', default: String(value) }
  const { values } = parseArgs({ options })
  const numbers = {} as Record<K, number>
  for (const name of Object.keys(defaults) as K[]) numbers[name] = Number(values[name])
  const given = values['data-dir']
  const keep = typeof given === 'string'
  return { numbers, dataDir: keep ? given : mkdtempSync(join(tmpdir(), tempPrefix)), keep }
}
