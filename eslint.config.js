import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import svelte from 'eslint-plugin-svelte'
import globals from 'globals'
import svelteConfig from './svelte.config.js'

export default tseslint.config(
  {
    ignores: [
      '.tmp/',
      'out/',
      'dist/',
      'node_modules/',
      'test-results/',
      'playwright-report/',
      'e2e-artifacts/',
      'bench/data/',
      '.svelte-check/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: {
      parserOptions: {
        projectService: true,
        extraFileExtensions: ['.svelte'],
        parser: tseslint.parser,
        svelteConfig,
      },
    },
  },
  {
    // The backend is plain Node: it must never import Electron (it also runs in the web host and tests).
    files: ['electron/backend/**/*.ts', 'shared/**/*.ts', 'sandbox/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: ['electron'] }] },
  },
  {
    // shared/ runs in the renderer, the backend and the sandbox: no node: and no DOM.
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['node:*'], paths: ['electron', 'fs', 'path', 'os'] }],
    },
  },
  {
    // The renderer bundles no zod: the contract and the channel files hold the request schemas (the
    // backend's boundary), so the renderer imports them for types only; replies, constants and rules
    // come from zod-free modules (shared/imports, shared/sftp, shared/sync, shared/profile, shared/jobs).
    files: ['renderer/**/*.ts', 'renderer/**/*.svelte'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['zod', '**/ipc/contract', '**/ipc/channel', '**/ipc/channels/*', '**/ipc/file-handle'],
              allowTypeImports: true,
              message:
                'This module builds zod schemas: import its types with `import type`, and values from the zod-free shared modules.',
            },
          ],
        },
      ],
    },
  },
  ...testFolderRules(),
)

/**
 * tests/, e2e/ and bench/ share helpers only through test-support/: none of them imports another's files
 * (a helper two of them need moves to test-support/), and test-support/ imports none of them. One block a
 * folder, kept apart from the layer rules.
 */
function testFolderRules() {
  const folders = ['tests', 'e2e', 'bench']
  return [...folders, 'test-support'].map((folder) => ({
    files: [`${folder}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: `(^|/)(${folders.filter((f) => f !== folder).join('|')})/`,
              message: `${folder}/ does not import from the other test folders: shared helpers live in test-support/.`,
            },
          ],
        },
      ],
    },
  }))
}
