// A backend opened for a person (the app, `serve`) starts its count worker at once and loads the columns
// the common shapes read before anyone asks, and says so on segments.engineStatus; one opened without
// warm-up (one-shot commands, tests) loads nothing until a question needs it.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SegmentEngineStatus } from '../../shared/segments/types'
import { openBackendHarness, type BackendHarness } from '../../test-support/backend'

let dataDir: string

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'profile-desk-warm-up-'))
  const h = openBackendHarness({ dataDir })
  const people: [string, string][] = [
    ['Ana', 'pro'],
    ['Bob', 'free'],
  ]
  for (const [name, plan] of people)
    await h.call('profiles.create', {
      changes: [
        { op: 'set', key: 'Name', value: name },
        { op: 'set', key: 'plan', value: plan, type: 'string' },
      ],
    })
  await h.close()
})
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

/** The status once nothing is loading (bounded: 200 polls). */
async function settled(h: BackendHarness): Promise<SegmentEngineStatus> {
  for (let i = 0; i < 200; i++) {
    const status = await h.call('segments.engineStatus', {})
    if (status.state === 'ready') return status
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  throw new Error('the count engine never reported ready')
}

describe('the count engine’s warm-up', () => {
  it('loads Age, the type, the test mark and the custom properties as the backend opens', async () => {
    const h = openBackendHarness({ dataDir, segments: { warmUp: true } })
    try {
      expect(await settled(h)).toEqual({ state: 'ready', progress: 1, loadedColumns: 4 })
      const count = await h.call('segments.count', {
        seq: 1,
        definition: {
          version: 1,
          join: 'and',
          conditions: [
            { type: 'property', property: { kind: 'custom', key: 'plan' }, op: 'eq', value: 'PRO' },
          ],
        },
        perItem: false,
      })
      expect(count).toMatchObject({ status: 'counted', total: 1, profiles: 2 })
    } finally {
      await h.close()
    }
  })

  it('reads the columns again only once changes to every profile pause (an import announces one a second)', async () => {
    const h = openBackendHarness({ dataDir, segments: { warmUp: true } })
    try {
      await settled(h)
      h.backend.context.events.emit('profiles.changed', { ids: [], all: true })
      // Two profiles load in milliseconds: still loading half a second later means it waited.
      await new Promise((resolve) => setTimeout(resolve, 500))
      expect((await h.call('segments.engineStatus', {})).state).toBe('loading')
      expect(await settled(h)).toEqual({ state: 'ready', progress: 1, loadedColumns: 4 })
    } finally {
      await h.close()
    }
  })

  it('loads nothing ahead without it', async () => {
    const h = openBackendHarness({ dataDir })
    try {
      expect(await settled(h)).toEqual({ state: 'ready', progress: 1, loadedColumns: 0 })
    } finally {
      await h.close()
    }
  })
})
