// The sandbox database's schema (versions 1 and 2), its row shapes and the wire types its profiles are
// stored as; the store (store.ts) opens and migrates the database with them.
import type { ParsedQuery } from './query-types'

/** A stored property value as it goes over the wire: dates are '$D_<epoch seconds>' strings. */
export type WireValue = string | number | boolean | string[]
export type WireProps = Record<string, WireValue>

export type IdentifierKind = 'identity' | 'fbid' | 'gpid'

export interface StoredProfile {
  seq: number
  /** The CleverTap ID (objectId) the profile was created with. */
  guid: string
  props: WireProps
  createdAt: number
  updatedAt: number
}

export interface EventSummary {
  count: number
  first_seen: number
  last_seen: number
}

export interface StoredQuery {
  id: number
  conditions: ParsedQuery
  batchSize: number
  /** Profiles created after the query are not part of its download. */
  maxSeq: number
  withEvents: boolean
  createdAt: number
}

export const SCHEMA_VERSION = 2

/** Version 2: one push token per device (CleverTap ID), with its type, platform and state. */
export const DEVICES_SCHEMA = `
CREATE TABLE devices (
  guid TEXT PRIMARY KEY,
  token TEXT NOT NULL,
  token_type TEXT NOT NULL,
  platform TEXT NOT NULL,
  -- valid until the push provider reports otherwise (set through the sandbox's token-state endpoint)
  token_state TEXT NOT NULL DEFAULT 'valid' CHECK (token_state IN ('valid','invalid','unregistered')),
  updated INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX devices_token ON devices(token);
`

export type SandboxTokenState = 'valid' | 'invalid' | 'unregistered'

export interface StoredDevice {
  guid: string
  token: string
  tokenType: string
  platform: string
  tokenState: SandboxTokenState
}

export const SCHEMA = `
CREATE TABLE profiles (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  -- The CleverTap ID the profile was created with; lookups go through object_ids.
  guid TEXT NOT NULL,
  email TEXT,
  props TEXT NOT NULL DEFAULT '{}',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX profiles_email ON profiles(email) WHERE email IS NOT NULL;
-- Every CleverTap ID (device) that leads to a profile, its own guid included. A device can move to
-- another profile (a login on a known identity) while the profile it came from keeps its history.
CREATE TABLE object_ids (
  guid TEXT PRIMARY KEY,
  seq INTEGER NOT NULL REFERENCES profiles(seq) ON DELETE CASCADE,
  added INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX object_ids_seq ON object_ids(seq);
CREATE TABLE identifiers (
  kind TEXT NOT NULL CHECK (kind IN ('identity', 'fbid', 'gpid')),
  value TEXT NOT NULL,
  seq INTEGER NOT NULL REFERENCES profiles(seq) ON DELETE CASCADE,
  added INTEGER NOT NULL,
  PRIMARY KEY (kind, value)
) STRICT, WITHOUT ROWID;
CREATE INDEX identifiers_seq ON identifiers(seq);
CREATE TABLE events (
  id INTEGER PRIMARY KEY,
  seq INTEGER NOT NULL REFERENCES profiles(seq) ON DELETE CASCADE,
  name TEXT NOT NULL,
  ts INTEGER NOT NULL,
  data TEXT NOT NULL,
  idem TEXT
) STRICT;
CREATE INDEX events_seq ON events(seq, name);
CREATE TABLE event_summaries (
  seq INTEGER NOT NULL REFERENCES profiles(seq) ON DELETE CASCADE,
  name TEXT NOT NULL,
  count INTEGER NOT NULL,
  first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL,
  PRIMARY KEY (seq, name)
) STRICT, WITHOUT ROWID;
CREATE TABLE applied_keys (
  key TEXT PRIMARY KEY,
  record_type TEXT NOT NULL,
  applied_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE TABLE queries (
  id INTEGER PRIMARY KEY,
  -- The parsed query as JSON (query.ts); an array: profile_fields equals filters of an older sandbox.
  filters TEXT NOT NULL,
  batch_size INTEGER NOT NULL,
  max_seq INTEGER NOT NULL,
  with_events INTEGER NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;
`

export interface ProfileRow {
  seq: number
  guid: string
  props: string
  created_at: number
  updated_at: number
}

export interface QueryRow {
  id: number
  filters: string
  batch_size: number
  max_seq: number
  with_events: number
  created_at: number
}

export function toProfile(row: ProfileRow): StoredProfile {
  return {
    seq: row.seq,
    guid: row.guid,
    props: JSON.parse(row.props) as WireProps,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }
}
