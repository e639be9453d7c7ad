import { builtinModules } from 'node:module'
import { fileURLToPath } from 'node:url'
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import svelte from 'eslint-plugin-svelte'
import boundaries from 'eslint-plugin-boundaries'
import { importX } from 'eslint-plugin-import-x'
import globals from 'globals'
import svelteConfig from './svelte.config.js'
import { LAYER_ELEMENTS, LAYER_POLICIES } from './eslint-layers.js'
import { next as resolveNext } from './eslint-resolver.js'

/** The app's own code: what the layer map, the cycle check and the import limits below apply to. */
const CODE = [
  'electron/**/*.ts',
  'shared/**/*.ts',
  'sandbox/**/*.ts',
  'renderer/**/*.ts',
  'renderer/**/*.svelte',
]
const TYPESCRIPT = ['**/*.ts', '**/*.svelte']
/** Node's built-in modules by bare name (`fs`) and with the `node:` prefix: never in shared/ or renderer/. */
const NODE_BUILTINS = builtinModules.filter((name) => !name.startsWith('_') && !name.startsWith('node:'))

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
      // Files that cross the layer boundaries on purpose: tests/lint/boundaries.test.ts lints them.
      'tests/fixtures/boundaries/',
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
    // Type-aware: a promise nobody awaits loses its error. Await it, or mark it `void` with the reason.
    files: TYPESCRIPT,
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
        extraFileExtensions: ['.svelte'],
      },
    },
    rules: { '@typescript-eslint/no-floating-promises': 'error' },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
        extraFileExtensions: ['.svelte'],
        parser: tseslint.parser,
        svelteConfig,
      },
    },
  },
  {
    // The layer map (docs/ARCHITECTURE.md opens with it): which folder may import which. Every import
    // between two layers that no policy in eslint-layers.js allows is an error; imports inside one layer
    // (one feature, one adapter) are free. tests/, e2e/ and bench/ are no layer and may import anything.
    files: CODE,
    plugins: { boundaries, 'import-x': importX },
    settings: {
      'boundaries/elements': LAYER_ELEMENTS,
      // Both plugins resolve through eslint-resolver.js (Node's rules plus the $lib and $shared aliases).
      'import/resolver': { [fileURLToPath(new URL('./eslint-resolver.js', import.meta.url))]: {} },
      'import-x/resolver-next': [resolveNext],
      // The cycle check reads each imported TypeScript file with the TypeScript parser. Components (.svelte)
      // are not followed: their scripts need the Svelte parser set up per file.
      'import-x/extensions': ['.ts', '.js', '.mjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
    },
    rules: {
      'boundaries/dependencies': ['error', { default: 'disallow', policies: LAYER_POLICIES }],
      // No import cycles (type-only imports aside: they vanish from the built code).
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
  {
    // The backend and the sandbox are plain Node: never Electron (they also run in the web host and tests).
    files: ['electron/backend/**/*.ts', 'sandbox/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: ['electron'] }] },
  },
  {
    // shared/ runs in the renderer, the backend and the sandbox; the renderer in a sandboxed page. Neither
    // may use Node's modules or Electron.
    files: ['shared/**/*.ts', 'renderer/**/*.ts', 'renderer/**/*.svelte'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['node:*'], paths: ['electron', ...NODE_BUILTINS] }],
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
)
