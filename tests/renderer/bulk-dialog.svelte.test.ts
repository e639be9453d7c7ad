// The bulk dialog as a person uses it: the action's value is checked with the single edit's rules (an
// invalid email is refused before any preview), a new custom key asks for its type, the preview shows the
// counts, the before/after sample and the refusals, a blocked action (the 21st exclusion) names the limit
// and its holders and cannot be applied, and the job shows that it waits behind an import, can be
// cancelled, and ends with what was applied and a link to its change set.
import { cleanup, render, screen, within } from '@testing-library/svelte'
import userEvent from '@testing-library/user-event'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { BulkPreview, BulkSummary } from '../../shared/bulk/types'
import type { ProfileSummary } from '../../shared/profile/types'
import { BulkEdit } from '../../renderer/src/lib/state/bulk-edit.svelte'
import BulkDialog from '../../renderer/src/components/bulk/BulkDialog.svelte'
import { FakeTransport } from '../../test-support/fake-transport'
import { attachWithJobs } from './support/job-transport'

function person(id: string, name: string): ProfileSummary {
  return {
    id,
    name,
    email: null,
    identity: null,
    phone: null,
    type: 'Identified',
    isTest: false,
    lastSeen: null,
  }
}

const PREVIEW: BulkPreview = {
  action: { action: 'set', key: 'plan', value: 'gold', type: 'string' },
  label: 'Set plan = gold',
  matched: 5,
  willChange: 3,
  alreadyInState: 1,
  refused: 1,
  refusedSample: [{ profile: person('p5', 'Eve'), reason: 'the profile has 256 custom properties' }],
  refusedReasons: [{ reason: 'too many custom properties', count: 1 }],
  sample: [{ profile: person('p1', 'Ann'), changes: [{ field: 'plan', before: 'silver', after: 'gold' }] }],
  blocked: null,
  exclusions: null,
  remoteNotes: [],
}

const SUMMARY: BulkSummary = {
  changeSet: 17,
  action: 'set',
  label: 'Set plan = gold',
  matched: 5,
  changed: 3,
  alreadyInState: 1,
  refused: 1,
  batches: { done: 1, total: 1 },
  cancelled: false,
  waitedSeconds: 0,
  seconds: 0.2,
}

let transport: FakeTransport
let disconnect: () => void

beforeEach(() => {
  transport = new FakeTransport()
    .handle('segments.vocabulary', () => ({ custom: [{ key: 'tags', type: 'multi' }], events: [] }))
    .handle('bulk.preview', () => PREVIEW)
    .handle('bulk.start', () => ({ jobId: 'job-1' }))
  disconnect = attachWithJobs(transport)
})

afterEach(() => {
  disconnect()
  cleanup()
})

const SELECTION = { kind: 'ids' as const, ids: ['p1', 'p2', 'p3', 'p4', 'p5'] }

async function open(kind: 'set' | 'exclude' = 'set') {
  const edit = new BulkEdit(SELECTION, kind)
  await edit.loadVocabulary()
  const onclose = vi.fn()
  render(BulkDialog, { edit, countText: '5', onclose })
  return { edit, onclose }
}

describe('BulkDialog', () => {
  it('checks the value with the single edit’s rules: an invalid email is refused before any preview', async () => {
    await open()
    await userEvent.type(screen.getByRole('combobox', { name: 'Property' }), 'Email')
    await userEvent.type(screen.getByRole('textbox', { name: 'Value' }), 'ann@')
    const error = screen.getByRole('alert')
    expect(error.textContent).toContain('Email')
    expect(screen.getByRole('textbox', { name: 'Value' }).getAttribute('aria-invalid')).toBe('true')
    expect(screen.getByRole('button', { name: 'Preview' }).hasAttribute('disabled')).toBe(true)
    expect(transport.requestsOf('bulk.preview')).toEqual([])
  })

  it('refuses an item action on a property that holds no list', async () => {
    const { edit } = await open()
    edit.draft = { ...edit.draft, kind: 'add-item', key: 'Email' }
    await Promise.resolve()
    expect(screen.getByRole('alert').textContent).toContain('not a multi-value property')
  })

  it('asks a new custom key’s type, previews, and applies as a job that waits, then says what was applied', async () => {
    const { edit } = await open()
    await userEvent.type(screen.getByRole('combobox', { name: 'Property' }), 'plan')
    expect(screen.getByRole('combobox', { name: 'Type of the new property' })).toBeTruthy()
    await userEvent.type(screen.getByRole('textbox', { name: 'Value' }), 'gold')
    await userEvent.click(screen.getByRole('button', { name: 'Preview' }))
    expect(transport.requestsOf('bulk.preview')).toEqual([
      { selection: SELECTION, action: { action: 'set', key: 'plan', value: 'gold', type: 'string' } },
    ])

    // the preview: counts, before/after, refusals
    expect(screen.getByText(/3 profiles change · 1 already in that state · 1 refused/)).toBeTruthy()
    const table = screen.getByRole('table')
    expect(within(table).getByText('silver')).toBeTruthy()
    expect(within(table).getByText('gold')).toBeTruthy()
    expect(screen.getByText(/the profile has 256 custom properties/)).toBeTruthy()

    await userEvent.click(screen.getByRole('button', { name: 'Apply to 3 profiles' }))
    expect(transport.requestsOf('bulk.start')).toEqual([
      { selection: SELECTION, action: { action: 'set', key: 'plan', value: 'gold', type: 'string' } },
    ])
    transport.emit('job.progress', { jobId: 'job-1', kind: 'bulk', phase: 'waiting', done: 0, total: null })
    await Promise.resolve()
    expect(screen.getByText(/Waiting in the queue: an import is running/)).toBeTruthy()
    expect(edit.waiting).toBe(true)

    transport.emit('job.progress', { jobId: 'job-1', kind: 'bulk', phase: 'applying', done: 1, total: 3 })
    await Promise.resolve()
    expect(screen.queryByText(/Waiting in the queue/)).toBeNull()
    await userEvent.click(screen.getByRole('button', { name: 'Cancel' }))
    expect(transport.requestsOf('jobs.cancel')).toEqual([{ jobId: 'job-1' }])

    transport.emit('job.finished', { jobId: 'job-1', kind: 'bulk', status: 'succeeded', summary: SUMMARY })
    await vi.waitFor(() => expect(screen.getByText(/Set plan = gold: 3 profiles changed/)).toBeTruthy())
    expect(screen.getByRole('link', { name: 'Open change set #17' }).getAttribute('href')).toBe(
      '#/history/17',
    )
  })

  it('a cancelled job says how many whole batches were applied', async () => {
    const { resultText } = await import('../../renderer/src/lib/bulk/bulk-text')
    expect(
      resultText({ ...SUMMARY, cancelled: true, changed: 2000, batches: { done: 2, total: 5 } }, 'cancelled'),
    ).toBe(
      'Cancelled: 2 of 5 batches were applied whole (2,000 profiles changed), nothing of the rest. Change set #17.',
    )
    expect(
      resultText({ ...SUMMARY, cancelled: true, changed: 0, batches: { done: 0, total: 5 } }, 'cancelled'),
    ).toBe('Cancelled before anything was written. Change set #17.')
  })

  it('a blocked action names the control-group limit and its holders, and cannot be applied', async () => {
    transport.handle('bulk.preview', () => ({
      ...PREVIEW,
      action: { action: 'exclude' },
      label: 'Exclude from control groups',
      willChange: 5,
      refused: 0,
      refusedSample: [],
      refusedReasons: [],
      sample: [],
      blocked: 'At most 20 profiles may be excluded from control groups; 18 are now.',
      exclusions: {
        limit: 20,
        wouldHold: 23,
        holders: [{ id: 'h1', name: 'Holder One', identity: 'h-1', email: null, type: 'Identified' }],
      },
    }))
    await open('exclude')
    await userEvent.click(screen.getByRole('button', { name: 'Preview' }))
    expect(transport.requestsOf('bulk.preview')[0]?.action).toEqual({ action: 'exclude' })
    const refusal = screen.getByRole('alert', { name: 'Refused' })
    expect(refusal.textContent).toContain('At most 20 profiles')
    expect(refusal.textContent?.replace(/\s+/g, ' ')).toContain('after this action 23 would be excluded')
    expect(within(refusal).getByRole('link', { name: 'Holder One' }).getAttribute('href')).toBe(
      '#/profile/h1',
    )
    expect(screen.getByRole('button', { name: 'Apply to 5 profiles' }).hasAttribute('disabled')).toBe(true)
  })
})
