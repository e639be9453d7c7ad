// The layer map is enforced: ESLint, with the project's own config, reports each fixture in
// tests/fixtures/boundaries/ that crosses a boundary (the normal lint run ignores that folder), linted as
// if it sat at the path its first line names; the clean fixtures report nothing. An import cycle needs real
// files: cycle/ is linted as if it were the project's root.
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { ESLint } from 'eslint'
import { beforeAll, describe, expect, it } from 'vitest'

const ROOT = resolve(import.meta.dirname, '../..')
const FIXTURES = join(ROOT, 'tests/fixtures/boundaries')

let eslint: ESLint

/** The project's own config, at `cwd`. A fixture is linted at a path where no file exists, which TypeScript's
 * project service cannot open: the layer rules need no type information, so the type-aware rule is left out. */
function projectLint(cwd: string): ESLint {
  return new ESLint({
    cwd,
    overrideConfigFile: join(ROOT, 'eslint.config.js'),
    overrideConfig: {
      languageOptions: { parserOptions: { projectService: false } },
      rules: { '@typescript-eslint/no-floating-promises': 'off' },
    },
  })
}

/** Loading the config, its plugins, parsers and resolver takes seconds, many more on a busy machine. */
const LINT_TIMEOUT_MS = 180_000

beforeAll(async () => {
  eslint = projectLint(ROOT)
  // Warm up (a renderer file with both aliases) so the first test does not pay for the loading.
  await eslint.lintText(readFileSync(join(FIXTURES, 'renderer-clean.ts'), 'utf8'), {
    filePath: join(ROOT, 'renderer/src/lib/boundary-fixture.ts'),
  })
}, LINT_TIMEOUT_MS)

/** The rule ids ESLint reports for a fixture linted at `asPath`. */
async function reported(fixture: string, asPath: string): Promise<string[]> {
  const text = readFileSync(join(FIXTURES, fixture), 'utf8')
  expect(text.split('\n')[0], 'the fixture names the path it is linted as').toContain(asPath)
  const [result] = await eslint.lintText(text, { filePath: join(ROOT, asPath) })
  const messages = result?.messages ?? []
  // A parse or configuration failure would hide every rule: it fails the test instead.
  expect(messages.filter((m) => m.fatal === true || m.ruleId === null)).toEqual([])
  return messages.map((m) => m.ruleId ?? '')
}

describe('the layer boundaries', { timeout: LINT_TIMEOUT_MS }, () => {
  it.each([
    ['renderer-reads-disk.ts', 'renderer/src/lib/boundary-fixture.ts', 'no-restricted-imports'],
    ['renderer-imports-backend.ts', 'renderer/src/lib/boundary-fixture.ts', 'boundaries/dependencies'],
    ['shared-imports-renderer.ts', 'shared/profile/boundary-fixture.ts', 'boundaries/dependencies'],
    ['core-imports-adapter.ts', 'electron/backend/core/sync/boundary-fixture.ts', 'boundaries/dependencies'],
    ['db-imports-feature.ts', 'electron/backend/core/db/boundary-fixture.ts', 'boundaries/dependencies'],
    ['main-imports-core-internals.ts', 'electron/main/boundary-fixture.ts', 'boundaries/dependencies'],
    [
      'adapter-imports-core-internals.ts',
      'electron/backend/adapters/cli/boundary-fixture.ts',
      'boundaries/dependencies',
    ],
    [
      'backend-imports-electron.ts',
      'electron/backend/core/sync/boundary-fixture.ts',
      'no-restricted-imports',
    ],
  ])('%s is reported (as %s)', async (fixture, asPath, rule) => {
    expect(await reported(fixture, asPath)).toEqual([rule])
  })

  it('reports both of shared/ importing Node, with and without the node: prefix', async () => {
    expect(await reported('shared-imports-node.ts', 'shared/profile/boundary-fixture.ts')).toEqual([
      'no-restricted-imports',
      'no-restricted-imports',
    ])
  })

  it.each([
    ['adapter-clean.ts', 'electron/backend/adapters/cli/boundary-fixture.ts'],
    ['renderer-clean.ts', 'renderer/src/lib/boundary-fixture.ts'],
  ])('reports nothing for %s (as %s)', async (fixture, asPath) => {
    expect(await reported(fixture, asPath)).toEqual([])
  })

  it('reports an import cycle, on each file in it', async () => {
    const results = await projectLint(join(FIXTURES, 'cycle')).lintFiles(['electron'])
    const byFile = results.map((r) => [
      r.filePath.slice(FIXTURES.length + 1),
      r.messages.map((m) => m.ruleId),
    ])
    expect(byFile).toEqual([
      ['cycle/electron/backend/core/sync/ring-a.ts', ['import-x/no-cycle']],
      ['cycle/electron/backend/core/sync/ring-b.ts', ['import-x/no-cycle']],
    ])
  })
})
