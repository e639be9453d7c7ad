import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    environment: 'node',
    pool: 'forks',
    include: ['tests/**/*.test.ts'],
    reporters: ['default', 'json'],
    outputFile: { json: '.test-reports/unit.json' },
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
})
