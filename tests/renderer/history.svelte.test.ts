// History as a person uses it: change sets listed newest first and filtered by kind, start day and profile;
// a clear empty state; a change set opens with its entries; Undo first says what the remote cannot take
// back and which profiles changed since, asks skip or overwrite before it can run, then runs as a job and
// names its own change set. The profile page's history groups its entries by change set.
import { cleanup, fireEvent, render, screen, within } from '@testing-library/svelte'
import userEvent from '@testing-library/user-event'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { ChangeSetSummary, UndoPreview } from '../../shared/bulk/types'
import type { AuditEntry } from '../../shared/profile/types'
import { localDayStart } from '../../renderer/src/lib/state/change-history.svelte'
import ChangeHistory from '../../renderer/src/components/profile/ChangeHistory.svelte'
import ChangeSetPage from '../../renderer/src/views/history/ChangeSetPage.svelte'
import HistoryPage from '../../renderer/src/views/history/HistoryPage.svelte'
import { FakeTransport } from '../../test-support/fake-transport'
import { attachWithJobs } from './support/job-transport'

function changeSet(id: number, more: Partial<ChangeSetSummary> = {}): ChangeSetSummary {
  return {
    id,
    kind: 'bulk',
    actor: 'local user',
    label: `Set plan = gold on 3 profiles`,
    startedAt: 1_780_000_000 + id,
    finishedAt: 1_780_000_010 + id,
    state: 'done',
    profiles: 3,
    undoes: null,
    undoneBy: null,
    detail: null,
    ...more,
  }
}

const UNDO_PREVIEW: UndoPreview = {
  changeSet: changeSet(9),
  refusal: null,
  profiles: 3,
  removes: 0,
  restores: 1,
  changedSince: 1,
  changedSinceSample: [
    {
      profile: {
        id: 'p2',
        name: 'Bo',
        email: null,
        identity: null,
        phone: null,
        type: 'Identified',
        isTest: false,
        lastSeen: null,
      },
      changeSets: [12],
    },
  ],
  remote: { pushedEvents: 4, pushedDeletes: 1, notes: [] },
}

/** An element's text with its runs of white space as one space (as a person reads it). */
function text(element: Element): string {
  return (element.textContent ?? '').replace(/\s+/g, ' ')
}

let transport: FakeTransport
let disconnect: () => void

beforeEach(() => {
  transport = new FakeTransport()
    .handle('history.list', () => ({
      items: [changeSet(9), changeSet(8, { kind: 'import', label: 'Import of a.csv' })],
      total: 2,
    }))
    .handle('history.get', ({ id }) => changeSet(id))
    .handle('history.entries', () => ({
      items: [
        {
          id: 1,
          objectId: 'p1',
          at: 1,
          action: 'property.set',
          field: 'plan',
          oldValue: 'silver',
          newValue: 'gold',
        },
      ],
      total: 1,
    }))
    .handle('undo.preview', () => UNDO_PREVIEW)
    .handle('undo.start', () => ({ jobId: 'undo-1' }))
  disconnect = attachWithJobs(transport)
})

afterEach(() => {
  disconnect()
  cleanup()
})

describe('HistoryPage', () => {
  it('lists change sets with links, and filters by kind, start day and profile', async () => {
    render(HistoryPage)
    const link = await screen.findByRole('link', { name: 'Import of a.csv' })
    expect(link.getAttribute('href')).toBe('#/history/8')
    expect(screen.getByText('Showing 2 of 2 change sets')).toBeTruthy()

    await userEvent.selectOptions(screen.getByRole('combobox', { name: 'Kind' }), 'undo')
    await userEvent.type(screen.getByRole('searchbox', { name: 'Profile' }), 'ann@example.com')
    await fireEvent.change(screen.getByLabelText('Since'), { target: { value: '2026-12-01' } })
    await userEvent.click(screen.getByRole('button', { name: 'Filter' }))
    expect(transport.requestsOf('history.list').at(-1)).toEqual({
      kind: 'undo',
      since: localDayStart('2026-12-01'),
      profile: 'ann@example.com',
      offset: 0,
      limit: 50,
    })
  })

  it('says so when nothing matches the filters, and offers to clear them', async () => {
    transport.handle('history.list', () => ({ items: [], total: 0 }))
    render(HistoryPage)
    expect(await screen.findByRole('heading', { name: 'No changes yet' })).toBeTruthy()
    await userEvent.selectOptions(screen.getByRole('combobox', { name: 'Kind' }), 'pull')
    expect(await screen.findByRole('heading', { name: 'No change set matches these filters' })).toBeTruthy()
    await userEvent.click(screen.getByRole('button', { name: 'Clear filters' }))
    expect(transport.requestsOf('history.list').at(-1)).toEqual({ offset: 0, limit: 50 })
  })

  it('shows a load error with Try again', async () => {
    const { AppError } = await import('../../shared/ipc/envelope')
    transport.handle('history.list', () => {
      throw new AppError('internal', 'The database is locked.')
    })
    render(HistoryPage)
    const alert = await screen.findByRole('alert')
    expect(alert.textContent).toContain('The database is locked.')
    expect(within(alert).getByRole('button', { name: 'Try again' })).toBeTruthy()
  })

  it('a start day is its local midnight; anything else is no filter', () => {
    expect(localDayStart('2026-12-01')).toBe(new Date(2026, 11, 1).getTime() / 1000)
    expect(localDayStart('')).toBeUndefined()
    expect(localDayStart('12/01/2026')).toBeUndefined()
  })
})

describe('ChangeSetPage and its undo', () => {
  it('shows the entries, and the undo says first what the remote keeps and asks about profiles changed since', async () => {
    render(ChangeSetPage, { id: 9 })
    expect(
      await screen.findByRole('heading', { level: 1, name: 'Set plan = gold on 3 profiles' }),
    ).toBeTruthy()
    expect(await screen.findByText('silver')).toBeTruthy()

    await userEvent.click(screen.getByRole('button', { name: 'Undo this change set…' }))
    const dialog = await screen.findByRole('dialog')
    await within(dialog).findByRole('heading', { name: 'What the remote cannot take back' })
    expect(text(dialog)).toContain('4 events were already sent')
    expect(text(dialog)).toContain('1 deletion was already sent')
    expect(within(dialog).getByRole('link', { name: 'Bo' }).getAttribute('href')).toBe('#/profile/p2')

    // no choice yet for the profile changed since: Undo cannot run
    const undo = within(dialog).getByRole('button', { name: 'Undo' })
    expect(undo.hasAttribute('disabled')).toBe(true)
    await userEvent.click(within(dialog).getByRole('radio', { name: 'Skip them' }))
    await userEvent.click(within(dialog).getByRole('checkbox', { name: /Upload the restored profiles/ }))
    expect(undo.hasAttribute('disabled')).toBe(false)
    await userEvent.click(undo)
    expect(transport.requestsOf('undo.start')).toEqual([
      { changeSet: 9, onChanged: 'skip-changed', reuploadDeleted: true },
    ])

    transport.emit('job.progress', { jobId: 'undo-1', kind: 'undo', phase: 'undoing', done: 1, total: 3 })
    await vi.waitFor(() => expect(within(dialog).getByRole('button', { name: 'Cancel' })).toBeTruthy())
    transport.emit('job.finished', {
      jobId: 'undo-1',
      kind: 'undo',
      status: 'succeeded',
      summary: {
        changeSet: 21,
        undid: 9,
        reverted: 2,
        removed: 0,
        restored: 1,
        skipped: 1,
        overwritten: 0,
        reuploaded: 1,
        cancelled: false,
        seconds: 0.1,
      },
    })
    await vi.waitFor(() => expect(text(dialog)).toContain('Undone: 2 profiles reverted'))
    expect(text(dialog)).toContain('1 changed since and skipped')
    expect(within(dialog).getByRole('link', { name: 'Open change set #21' }).getAttribute('href')).toBe(
      '#/history/21',
    )
  })

  it('a change set that cannot be undone says why and offers no Undo', async () => {
    transport.handle('undo.preview', () => ({ ...UNDO_PREVIEW, refusal: 'it is still being written' }))
    render(ChangeSetPage, { id: 9 })
    await userEvent.click(await screen.findByRole('button', { name: 'Undo this change set…' }))
    const dialog = await screen.findByRole('dialog')
    expect((await within(dialog).findByRole('alert')).textContent).toContain('it is still being written')
    expect(within(dialog).queryByRole('button', { name: 'Undo' })).toBeNull()
  })
})

describe('ChangeHistory on the profile page', () => {
  function entry(id: number, changeSetId: number | null, label: string | null): AuditEntry {
    return {
      id,
      at: 1_780_000_000 + id,
      actor: 'local user',
      action: 'property.set',
      field: 'Name',
      oldValue: null,
      newValue: `v${id}`,
      changeSet: changeSetId,
      changeSetKind: changeSetId === null ? null : 'bulk',
      changeSetLabel: label,
    }
  }

  it('groups entries by change set, each group linking to its change set', () => {
    const entries = [
      entry(4, 12, 'Undo of #9'),
      entry(3, 12, 'Undo of #9'),
      entry(2, 9, 'Set plan'),
      entry(1, null, null),
    ]
    render(ChangeHistory, { entries, total: 4, loading: false, error: null, onmore: () => {} })
    const groups = screen
      .getAllByRole('columnheader')
      .filter((cell) => cell.getAttribute('scope') === 'colgroup')
    expect(groups.map((cell) => cell.textContent?.replace(/\s+/g, ' ').trim())).toEqual([
      'Undo of #9 #12 · Bulk action',
      'Set plan #9 · Bulk action',
      'Before change sets were recorded',
    ])
    expect(screen.getByRole('link', { name: 'Undo of #9' }).getAttribute('href')).toBe('#/history/12')
  })
})
