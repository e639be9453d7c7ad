// The wizard's mapping step offers the device targets (issue 13): a profile file's push_token and platform
// columns are proposed as the profile's device, an events file offers the event's device with its app
// version, and choosing them sends the targets the backend reads.
import { cleanup, render, screen } from '@testing-library/svelte'
import userEvent from '@testing-library/user-event'
import { afterEach, describe, expect, it } from 'vitest'
import {
  proposeEventMapping,
  proposeProfileMapping,
} from '../../electron/backend/core/imports/mapping-proposal'
import type { ImportKind, ImportPreview } from '../../shared/imports/types'
import MappingEditor from '../../renderer/src/components/import/MappingEditor.svelte'
import { MappingDraft } from '../../renderer/src/lib/state/import-mapping.svelte'

afterEach(() => cleanup())

function preview(kind: ImportKind, headers: string[], rows: string[][]): ImportPreview {
  const { columns, mapping } =
    kind === 'profiles' ? proposeProfileMapping(headers, rows, new Map()) : proposeEventMapping(headers, rows)
  return {
    file: { path: '/x.csv', name: 'x.csv', bytes: 1, encoding: 'utf-8', delimiter: ',', lineBreak: '\n' },
    kind,
    headers,
    rows,
    columns,
    mapping,
    mappingName: null,
    unplaced: [],
    problems: [],
    notices: [],
  }
}

const optionsOf = (select: HTMLElement, group: string) =>
  [...(select.querySelector(`optgroup[label="${group}"]`)?.querySelectorAll('option') ?? [])].map(
    (o) => o.textContent,
  )

describe('device targets in the mapping step', () => {
  it('proposes push_token and platform as the profile device and sends those targets', async () => {
    const user = userEvent.setup()
    const headers = ['identity', 'push_token', 'platform', 'notes']
    const mapping = new MappingDraft(preview('profiles', headers, [['u1', 'tok', 'Android', 'x']]))
    render(MappingEditor, { mapping })
    const token = screen.getByLabelText('Import push_token as') as HTMLSelectElement
    expect(token.value).toBe('pushToken')
    expect((screen.getByLabelText('Import platform as') as HTMLSelectElement).value).toBe('platform')
    expect(optionsOf(token, "Device (the profile's own)")).toEqual([
      'Push token',
      'Platform (Android, iOS, Web, Other)',
      'Token type (fcm, apns, webpush…)',
    ])
    await user.selectOptions(screen.getByLabelText('Import notes as'), 'Token type (fcm, apns, webpush…)')
    expect(mapping.toMapping().columns.map((c) => c.target)).toEqual([
      { kind: 'identity' },
      { kind: 'pushToken' },
      { kind: 'platform' },
      { kind: 'tokenType' },
    ])
    expect(mapping.problems).toEqual([])
    // Leaving the token out: the platform means nothing alone, in the backend's words.
    await user.selectOptions(token, 'Leave out')
    expect(mapping.problems).toEqual([
      "A column is mapped to the platform, but none to the push token: the platform is stored with a device's token (map the token column too, or leave this one out).",
      "A column is mapped to the token type, but none to the push token: the token type is stored with a device's token (map the token column too, or leave this one out).",
    ])
  })

  it("offers an event's device columns, app version included", () => {
    const headers = ['objectId', 'evtName', 'ts', 'os', 'device_token', 'app_version']
    const mapping = new MappingDraft(
      preview('events', headers, [['d1', 'App Opened', '1700000000', 'iOS', 't', '2.0']]),
    )
    render(MappingEditor, { mapping })
    const version = screen.getByLabelText('Import app_version as') as HTMLSelectElement
    expect(optionsOf(version, 'Device (of the event)')).toEqual([
      'Push token',
      'Platform (Android, iOS, Web, Other)',
      'Token type (fcm, apns, webpush…)',
      'App version',
    ])
    expect(mapping.toMapping().columns.map((c) => c.target.kind)).toEqual([
      'deviceId',
      'eventName',
      'timestamp',
      'platform',
      'pushToken',
      'appVersion',
    ])
  })
})
