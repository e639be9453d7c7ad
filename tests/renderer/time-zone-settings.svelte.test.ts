// Settings › Account time zone: shows the zone in use (this computer's when none is saved), saves a typed
// zone, shows the backend's refusal of a bad one as an alert, and goes back to this computer's.
import { cleanup, render, screen } from '@testing-library/svelte'
import userEvent from '@testing-library/user-event'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { AppError } from '../../shared/ipc/envelope'
import type { AccountTimeZone } from '../../shared/segments/types'
import { api } from '../../renderer/src/lib/api/client'
import TimeZoneSettings from '../../renderer/src/components/settings/TimeZoneSettings.svelte'
import { FakeTransport } from '../../test-support/fake-transport'

let transport: FakeTransport
let saved: string | null

const view = (): AccountTimeZone => ({ zone: saved ?? 'Asia/Tokyo', saved, computer: 'Asia/Tokyo' })

beforeEach(() => {
  saved = null
  transport = new FakeTransport()
    .handle('segments.timeZone', view)
    .handle('segments.timeZone.set', ({ zone }) => {
      if (zone !== null && !zone.includes('/'))
        throw new AppError('validation', `"${zone}" is not a time zone.`)
      saved = zone
      return view()
    })
  api.attach(transport)
})
afterEach(() => cleanup())

describe('TimeZoneSettings', () => {
  it('saves a typed zone, shows a refusal, and goes back to this computer’s', async () => {
    const user = userEvent.setup()
    render(TimeZoneSettings)
    expect((await screen.findByText(/In use:/)).textContent).toMatch(/Asia\/Tokyo\s*\(this computer’s\)/)
    const box = screen.getByLabelText('Time zone')
    await user.type(box, 'Mars')
    await user.click(screen.getByRole('button', { name: 'Save time zone' }))
    expect((await screen.findByRole('alert')).textContent).toContain('"Mars" is not a time zone.')
    await user.clear(box)
    await user.type(box, 'Europe/Berlin')
    await user.click(screen.getByRole('button', { name: 'Save time zone' }))
    expect(await screen.findByText('The account’s time zone is now Europe/Berlin.')).toBeTruthy()
    expect(screen.queryByRole('alert')).toBeNull()
    expect(transport.requestsOf('segments.timeZone.set').at(-1)).toEqual({ zone: 'Europe/Berlin' })
    await user.click(screen.getByRole('button', { name: 'Use this computer’s' }))
    expect(await screen.findByText(/now uses this computer’s time zone \(Asia\/Tokyo\)/)).toBeTruthy()
    expect(transport.requestsOf('segments.timeZone.set').at(-1)).toEqual({ zone: null })
    expect(screen.queryByRole('button', { name: 'Use this computer’s' })).toBeNull()
  })
})
