// The change sets' schema (version 50; cs owns 50–54, bulk edit/undo 55–59): the change_sets table, and
// the audit rows, events and import runs gain the change set they belong to (NULL = written before
// change sets existed). ADD COLUMN is O(1) in SQLite; the partial indexes cost nothing on old rows.
import type { Migration } from '../db/migrate'

export const CHANGE_SET_MIGRATIONS: readonly Migration[] = [
  {
    version: 50,
    description: 'change sets: one per change, audit rows and events point at theirs',
    up(db) {
      db.exec(`
        CREATE TABLE change_sets (
          id INTEGER PRIMARY KEY AUTOINCREMENT,      -- never reused: undo and history refer to it
          kind TEXT NOT NULL,                        -- shared/changes/types.ts ChangeSetKind
          actor TEXT NOT NULL,
          label TEXT NOT NULL,
          started_at INTEGER NOT NULL,               -- epoch seconds, like audit.at
          finished_at INTEGER,
          state TEXT NOT NULL CHECK (state IN ('open','done','cancelled','interrupted')),
          detail TEXT,                               -- JSON, by kind
          profiles INTEGER NOT NULL DEFAULT 0,
          undoes INTEGER REFERENCES change_sets(id),
          undone_by INTEGER,
          pid INTEGER                                -- the process writing an open change set
        ) STRICT;
        CREATE INDEX change_sets_kind ON change_sets(kind, id);
        CREATE INDEX change_sets_open ON change_sets(state) WHERE state = 'open';
        ALTER TABLE audit ADD COLUMN change_set INTEGER;
        CREATE INDEX audit_change_set ON audit(change_set, id) WHERE change_set IS NOT NULL;
        ALTER TABLE events ADD COLUMN change_set INTEGER;
        CREATE INDEX events_change_set ON events(change_set) WHERE change_set IS NOT NULL;
        ALTER TABLE import_runs ADD COLUMN change_set INTEGER;
      `)
    },
  },
]
