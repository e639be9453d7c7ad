// The segments feature's schema migrations (global versions 20–29): saved segments.
import type { Migration } from '../db/migrate'

export const SEGMENT_MIGRATIONS: readonly Migration[] = [
  {
    version: 20,
    description: 'saved segments',
    up(db) {
      db.exec(`
        CREATE TABLE saved_segments (
          id TEXT PRIMARY KEY,                       -- random, stable across renames
          name TEXT NOT NULL COLLATE NOCASE UNIQUE,  -- what people and scripts call it
          definition TEXT NOT NULL,                  -- SegmentDefinition JSON (shared/segments/definition.ts)
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL
        ) STRICT;
      `)
    },
  },
]
