import { svelte } from '@sveltejs/vite-plugin-svelte'
import { defineConfig } from 'vitest/config'
import { rendererAliases } from './aliases.config'

// Two projects: everything under tests/ runs in Node, except `*.svelte.test.ts`, the renderer's state
// classes and components, which run compiled by Svelte in a DOM (happy-dom). `npm run test:unit` runs both.
export default defineConfig({
  resolve: { alias: rendererAliases },
  test: {
    pool: 'forks',
    reporters: ['default', 'json'],
    outputFile: { json: '.test-reports/unit.json' },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          environment: 'node',
          include: ['tests/**/*.test.ts'],
          exclude: ['tests/**/*.svelte.test.ts'],
        },
      },
      {
        extends: true,
        plugins: [svelte({ configFile: './svelte.config.js' })],
        // Svelte's browser build: components mount in the DOM (the server build would only render HTML).
        resolve: { conditions: ['browser'] },
        test: {
          name: 'renderer',
          environment: 'happy-dom',
          include: ['tests/**/*.svelte.test.ts'],
        },
      },
    ],
  },
})
