// Components rendered in a DOM: Alert announces an error at once (role="alert") and anything else politely
// (role="status"), or not at all when told it is a note, with its actions inside; the events timeline
// shows how much is loaded, asks for more, and shows its load error as an alert.
import { cleanup, render, screen } from '@testing-library/svelte'
import userEvent from '@testing-library/user-event'
import { createRawSnippet, type ComponentProps } from 'svelte'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { ProfileEvent } from '../../shared/profile/types'
import { ApiError } from '../../renderer/src/lib/api/client'
import Alert from '../../renderer/src/components/Alert.svelte'
import EventTimeline from '../../renderer/src/components/profile/EventTimeline.svelte'

afterEach(() => cleanup())

/** A snippet rendering fixed HTML (what a caller writes between the component's tags). */
function html(markup: string) {
  return createRawSnippet(() => ({ render: () => markup }))
}

describe('Alert', () => {
  it('announces an error at once, as an alert', () => {
    render(Alert, { children: html('<span>The file could not be read.</span>') })
    expect(screen.getByRole('alert').textContent?.trim()).toBe('The file could not be read.')
    expect(screen.queryByRole('status')).toBeNull()
  })

  it('announces good news and other outcomes politely, as a status', () => {
    render(Alert, { tone: 'success', children: html('<span>Saved.</span>') })
    render(Alert, { tone: 'info', children: html('<span>Cancelled.</span>') })
    render(Alert, { tone: 'warning', children: html('<span>Decoded as Windows-1252.</span>') })
    expect(screen.getAllByRole('status').map((element) => element.textContent?.trim())).toEqual([
      'Saved.',
      'Cancelled.',
      'Decoded as Windows-1252.',
    ])
    expect(screen.queryByRole('alert')).toBeNull()
  })

  it('is a note, announced by nobody, when told so', () => {
    render(Alert, { tone: 'error', role: 'note', children: html('<span>Run #3 failed.</span>') })
    expect(screen.getByRole('note').textContent?.trim()).toBe('Run #3 failed.')
    expect(screen.queryByRole('alert')).toBeNull()
  })

  it('shows its actions inside the message box', async () => {
    const retry = vi.fn()
    const actions = createRawSnippet(() => ({
      render: () => '<button type="button">Try again</button>',
      setup: (button: Element) => {
        button.addEventListener('click', retry)
      },
    }))
    render(Alert, { children: html('<span>The sync status could not be read.</span>'), actions })
    const alert = screen.getByRole('alert')
    const button = screen.getByRole('button', { name: 'Try again' })
    expect(alert.contains(button)).toBe(true)
    await userEvent.click(button)
    expect(retry).toHaveBeenCalledOnce()
  })
})

describe('Alert with onretry', () => {
  it('offers Try again after the message', async () => {
    const onretry = vi.fn()
    render(Alert, { children: html('<span>The history could not be loaded.</span>'), onretry })
    const button = screen.getByRole('button', { name: 'Try again' })
    expect(screen.getByRole('alert').contains(button)).toBe(true)
    await userEvent.click(button)
    expect(onretry).toHaveBeenCalledOnce()
  })
})

function event(id: number, anonymous = false): ProfileEvent {
  return {
    id,
    name: `Event ${id}`,
    ts: id * 1000,
    props: { plan: 'gold' },
    anonymous,
    profileId: 'p',
    deviceId: null,
  }
}

type TimelineProps = ComponentProps<typeof EventTimeline>

/** The timeline with these props (an empty, idle one otherwise). */
function timeline(props: Partial<TimelineProps>) {
  const all: TimelineProps = { events: [], total: 0, loading: false, error: null, onmore: () => {}, ...props }
  // `events` is also a mount option's name, so the props go under `props`.
  return render(EventTimeline, { props: all })
}

describe('EventTimeline', () => {
  it('says how much is shown and asks for more while rows remain', async () => {
    const onmore = vi.fn()
    timeline({ events: [event(2), event(1)], total: 30, loading: false, error: null, onmore })
    expect(screen.getByText('Showing 2 of 30')).toBeTruthy()
    expect(screen.getByText('Event 2')).toBeTruthy()
    await userEvent.click(screen.getByRole('button', { name: 'Load more events' }))
    expect(onmore).toHaveBeenCalledOnce()
  })

  it('says a page is loading and offers no second request meanwhile', () => {
    timeline({ events: [event(1)], total: 3, loading: true, error: null, onmore: () => {} })
    const button = screen.getByRole('button', { name: 'Loading…' })
    expect((button as HTMLButtonElement).disabled).toBe(true)
  })

  it('has a clear empty state, and shows a load error as an alert', () => {
    const { unmount } = timeline({
      events: [],
      total: 0,
      loading: false,
      error: null,
      onmore: () => {},
    })
    expect(screen.getByText('No events recorded for this profile.')).toBeTruthy()
    expect(screen.queryByRole('button')).toBeNull()
    unmount()
    timeline({
      events: [],
      total: 0,
      loading: false,
      error: new ApiError('network', 'The backend cannot be reached.'),
      onmore: () => {},
    })
    expect(screen.getByRole('alert').textContent).toContain(
      'Events could not be loaded: The backend cannot be reached.',
    )
  })

  it('explains greyed events when an anonymous one is shown', () => {
    timeline({
      events: [event(1, true)],
      total: 1,
      loading: false,
      error: null,
      onmore: () => {},
    })
    expect(screen.getByText(/Greyed events were done in anonymous mode/)).toBeTruthy()
  })
})
