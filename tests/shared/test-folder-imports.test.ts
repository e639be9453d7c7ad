// The lint rule that keeps test helpers in one place: tests/, e2e/ and bench/ import each other's files
// only through test-support/, and test-support/ imports none of them. Runs ESLint's API on small sources
// linted as if they stood in each folder (lintText with a file path; nothing is written to the tree).
import { join, resolve } from 'node:path'
import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'

const ROOT = resolve(import.meta.dirname, '../..')
// The probe files exist only as text, so no tsconfig knows them: lint them without type information
// (the type-aware rule is switched off with it; the import rule under test needs no types).
const eslint = new ESLint({
  cwd: ROOT,
  overrideConfig: {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: false } },
    rules: { '@typescript-eslint/no-floating-promises': 'off' },
  },
})

/** The messages of no-restricted-imports for `source` linted as `file`. */
async function restricted(file: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: join(ROOT, file) })
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message)
}

describe('test folders import each other only through test-support/', () => {
  it.each([
    ['tests/imports/probe.test.ts', "import { startHost } from '../../e2e/sync.spec'\nvoid startHost\n"],
    ['tests/imports/probe.test.ts', "import { x } from '../../bench/import/serve-pass'\nvoid x\n"],
    ['e2e/probe.spec.ts', "import { x } from '../tests/sftp/runs.test'\nvoid x\n"],
    ['e2e/probe.spec.ts', "import { x } from '../bench/import/serve-pass'\nvoid x\n"],
    ['bench/import/probe.ts', "import { x } from '../../tests/imports/cli.test'\nvoid x\n"],
    ['bench/probe.ts', "import { x } from '../e2e/sync.spec'\nvoid x\n"],
    ['test-support/probe.ts', "import { x } from '../tests/imports/cli.test'\nvoid x\n"],
  ])('%s: a crossing import is reported (%#)', async (file, source) => {
    const messages = await restricted(file, source)
    expect(messages).toHaveLength(1)
    expect(messages[0]).toContain('test-support/')
  })

  it.each([
    ['tests/imports/probe.test.ts', "import { startSandbox } from '../../test-support/sandbox'\n"],
    ['e2e/probe.spec.ts', "import { startHost } from '../test-support/web-host'\n"],
    ['bench/import/probe.ts', "import { servePass } from './serve-pass'\n"],
  ])('%s: an import of test-support/ or of its own folder passes', async (file, source) => {
    expect(await restricted(file, `${source}void 0\n`)).toEqual([])
  })
})
