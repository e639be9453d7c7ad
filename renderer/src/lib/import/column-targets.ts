// Where a column can go, as the mapping step offers it: one <select> value per kind of target (a system
// property carries its key), with the words people read. Also the date formats' labels.
import type { DateFormat, EventColumnTarget, ImportKind, ProfileColumnTarget } from '$shared/imports/types'
import { SYSTEM_PROPERTIES } from '$shared/profile/catalogue'

/** The value of the "Import as" select: `system:<key>` for a system property, else the target's kind. */
export type TargetChoice = string

export interface ChoiceOption {
  value: TargetChoice
  label: string
}

export interface ChoiceGroup {
  label: string
  options: ChoiceOption[]
}

export const IGNORE: TargetChoice = 'ignore'
/** Shown only for a column a saved mapping did not place, until a person chooses for it. */
export const UNPLACED: TargetChoice = ''

/** Identity has its own choice (it is the key profiles are matched by), so it is not offered twice. */
const SYSTEM_OPTIONS: ChoiceOption[] = SYSTEM_PROPERTIES.filter((p) => p.key !== 'Identity').map((p) => ({
  value: `system:${p.key}`,
  label: p.label === p.key ? p.key : `${p.label} (${p.key})`,
}))

/** A device's push token and what goes with it: pushed to CleverTap as a token record. */
const DEVICE_OPTIONS: ChoiceOption[] = [
  { value: 'pushToken', label: 'Push token' },
  { value: 'platform', label: 'Platform (Android, iOS, Web, Other)' },
  { value: 'tokenType', label: 'Token type (fcm, apns, webpush…)' },
]

export function choiceGroups(kind: ImportKind, hasOperation: boolean): ChoiceGroup[] {
  if (kind === 'events') {
    return [
      {
        label: 'Event',
        options: [
          { value: 'deviceId', label: 'Device id (objectId)' },
          { value: 'identity', label: 'Identity (user id)' },
          { value: 'eventName', label: 'Event name' },
          { value: 'timestamp', label: 'Event time' },
          { value: 'eventProperty', label: 'Event property…' },
        ],
      },
      {
        label: 'Device (of the event)',
        options: [...DEVICE_OPTIONS, { value: 'appVersion', label: 'App version' }],
      },
      { label: 'Other', options: [{ value: IGNORE, label: 'Leave out' }] },
    ]
  }
  return [
    {
      label: 'Identifies the profile',
      options: [
        { value: 'identity', label: 'Identity (user id)' },
        { value: 'objectId', label: 'objectId (CleverTap ID)' },
      ],
    },
    { label: 'System property', options: SYSTEM_OPTIONS },
    { label: "Device (the profile's own)", options: DEVICE_OPTIONS },
    {
      label: 'Other',
      options: [
        { value: 'custom', label: 'Custom property…' },
        ...(hasOperation ? [{ value: 'operation', label: 'Operations ($set, $add, …) of a column' }] : []),
        { value: IGNORE, label: 'Leave out' },
      ],
    },
  ]
}

export function choiceOf(target: ProfileColumnTarget | EventColumnTarget): TargetChoice {
  return target.kind === 'system' ? `system:${target.key}` : target.kind
}

/** The system property key of a `system:<key>` choice, else null. */
export function systemKeyOf(choice: TargetChoice): string | null {
  return choice.startsWith('system:') ? choice.slice('system:'.length) : null
}

/** "Email", "the identity", "a custom property “plan” (number)": for summaries and problems. */
export function describeChoice(choice: TargetChoice): string {
  const system = systemKeyOf(choice)
  if (system !== null) return system
  const named: Record<string, string> = {
    identity: 'the identity',
    objectId: 'the objectId',
    deviceId: 'the device id',
    eventName: 'the event name',
    timestamp: 'the event time',
    pushToken: 'the push token',
    platform: 'the platform',
    tokenType: 'the token type',
    appVersion: 'the app version',
  }
  return named[choice] ?? choice
}

export const DATE_FORMAT_LABELS: Readonly<Record<DateFormat, string>> = {
  auto: 'Detect (2024-03-31, ISO date-time, $D_…)',
  'dd/MM/yyyy HH:mm:ss': '31/03/2024 18:45:00 (dd/MM/yyyy HH:mm:ss)',
  'MM/dd/yyyy HH:mm:ss': '03/31/2024 18:45:00 (MM/dd/yyyy HH:mm:ss)',
  'yyyy/dd/MM HH:mm:ss': '2024/31/03 18:45:00 (yyyy/dd/MM HH:mm:ss)',
  'yyyy/MM/dd HH:mm:ss': '2024/03/31 18:45:00 (yyyy/MM/dd HH:mm:ss)',
  'dd MMM yyyy HH:mm:ss': '31 Mar 2024 18:45:00 (dd MMM yyyy HH:mm:ss)',
  'dd/MM/yyyy': '31/03/2024 (dd/MM/yyyy)',
  'MM/dd/yyyy': '03/31/2024 (MM/dd/yyyy)',
  'yyyy/dd/MM': '2024/31/03 (yyyy/dd/MM)',
  'yyyy/MM/dd': '2024/03/31 (yyyy/MM/dd)',
  'dd MMM yyyy': '31 Mar 2024 (dd MMM yyyy)',
  epoch: 'Seconds since 1970 (epoch)',
}
