import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import { svelte } from '@sveltejs/vite-plugin-svelte'
import { rendererAliases } from './aliases.config'

const r = (p: string): string => resolve(import.meta.dirname, p)

// One build for every Node-side entry: the Electron main process, the backend's utility-process
// entry, the command line, the import worker and the sandbox API server. Dependencies stay external (node_modules).
export default defineConfig({
  main: {
    build: {
      rolldownOptions: {
        input: {
          index: r('electron/main/index.ts'),
          'backend-process': r('electron/backend/adapters/utility-process/entry.ts'),
          cli: r('electron/backend/adapters/cli/main.ts'),
          sandbox: r('sandbox/main.ts'),
          // CSV imports run in a worker thread so the backend keeps answering during a million-row import.
          'import-worker': r('electron/backend/core/imports/import-worker.ts'),
          // Segment counts run in a worker thread with their own read connection and columnar snapshot.
          'segments-worker': r('electron/backend/core/segments/segments-worker.ts'),
        },
        external: ['better-sqlite3'],
      },
    },
  },
  preload: {
    build: {
      rolldownOptions: {
        input: { index: r('electron/preload/index.ts') },
        // sandbox: true needs a CommonJS preload
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: r('renderer'),
    resolve: { alias: rendererAliases },
    plugins: [svelte({ configFile: r('svelte.config.js') })],
    build: { rolldownOptions: { input: { index: r('renderer/index.html') } } },
  },
})
