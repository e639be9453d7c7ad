// Profile shapes as they cross the IPC boundary. Dates are epoch seconds (numbers) everywhere.
import type { ChangeSetKind } from '../changes/types'

export type ProfileType = 'Anonymous' | 'Identified'

/** Kinds of identifier that locate a profile. Each value belongs to at most one profile. */
export const IDENTIFIER_KINDS = ['identity', 'email', 'fbid', 'gpid', 'custom'] as const
export type IdentifierKind = (typeof IDENTIFIER_KINDS)[number]

export interface Identifier {
  kind: IdentifierKind
  /** For custom identifiers: the identifier's name (e.g. "crm_id"); absent otherwise. */
  name?: string
  value: string
}

export const CUSTOM_PROPERTY_TYPES = ['string', 'number', 'boolean', 'date', 'multi'] as const
export type CustomPropertyType = (typeof CUSTOM_PROPERTY_TYPES)[number]

/** A property value: string, number, boolean, date (epoch seconds, a number) or multi-value (strings). */
export type PropertyValue = string | number | boolean | string[]

export interface CustomProperty {
  key: string
  type: CustomPropertyType
  value: PropertyValue
}

export interface ProfileSummary {
  /** The CleverTap ID (objectId). */
  id: string
  name: string | null
  email: string | null
  identity: string | null
  phone: string | null
  type: ProfileType
  isTest: boolean
  lastSeen: number | null
}

/** One of several profiles an ambiguous lookup key matched, and what matched it ("Phone", "Identity", …). */
export interface LookupCandidate extends ProfileSummary {
  matchedBy: string[]
}

export interface EventSummary {
  name: string
  count: number
  firstSeen: number
  lastSeen: number
}

export interface ProfileDetail {
  id: string
  type: ProfileType
  isTest: boolean
  excludedFromControlGroups: boolean
  identifiers: Identifier[]
  /** System properties by their CleverTap key (Name, Email, Phone, Gender, DOB, MSG-email, …). */
  system: Record<string, PropertyValue>
  custom: CustomProperty[]
  /** Whole years from DOB (or a custom `birthday` date); null when unknown. */
  age: number | null
  eventSummaries: EventSummary[]
  /** True when the profile holds more than one Identity (a "bad merge" in CleverTap's terms). */
  badMerge: boolean
  createdAt: number
  updatedAt: number
}

export interface ProfileEvent {
  id: number
  name: string
  ts: number
  props: Record<string, unknown>
  /** Done in anonymous mode on another (anonymous) profile: shown greyed, never counted. */
  anonymous: boolean
  /** The profile the event is stored on (differs from the viewed profile for greyed events). */
  profileId: string
  deviceId: string | null
}

export interface AuditEntry {
  id: number
  at: number
  actor: string
  action: string
  field: string | null
  oldValue: unknown
  newValue: unknown
  /** The change set it belongs to (null: written before change sets existed) and its kind and label. */
  changeSet: number | null
  changeSetKind: ChangeSetKind | null
  changeSetLabel: string | null
}

/** A profile named in a reply (a control-group exclusion holder, the holder of an identifier value). */
export interface ControlGroupHolder {
  id: string
  name: string | null
  identity: string | null
  email: string | null
  type: ProfileType
}

export const CONTROL_GROUP_EXCLUSION_LIMIT = 20

/** The job.finished summary of a `sample.load` job. */
export interface SampleLoadSummary {
  profiles: number
  skipped: number
  scenario1: number
  scenario2: number
  bulk: boolean
  cancelled: boolean
  seconds: number
  /** Of `seconds`, building indexes, the trigram index and counts after a bulk insert. */
  indexingSeconds: number
}

/** One change of a profile update: set a property (custom ones say their type) or unset it. */
export type PropertyChange =
  | {
      op: 'set'
      key: string
      value: PropertyValue
      /** Required for custom properties; system properties take their type from the catalogue. */
      type?: CustomPropertyType
    }
  | { op: 'unset'; key: string }

export interface RecordEventResult {
  profileId: string
  eventId: number
  /** What the login rule did: none (no identity), 'became' (Scenario 1), 'switched' (Scenario 2), 'same'. */
  login: 'none' | 'became' | 'switched' | 'same'
}
