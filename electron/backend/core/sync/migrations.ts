// The sync feature's migration, schema version 3: what sync keeps. The outbox is rebuilt with AUTOINCREMENT (an id is never reused
// after a push empties the table, so idempotency keys derived from ids stay unique) and gains its
// delivery state; conflicts, run history and tombstones of remote deletes get their own tables.
// An accepted entry leaves the queue when its id goes into outbox_done (a small append-only table of
// integers); the outbox row is deleted later, in slices: deleting or rewriting 100k wide rows during a
// push costs more than the push's own work.
import type Database from 'better-sqlite3'
import type { Migration } from '../db/migrate'

function upgradeSyncSchema(db: Database.Database): void {
  const columns = db.prepare<[], { name: string }>("SELECT name FROM pragma_table_info('outbox')").all()
  const copied = ['id', 'object_id', 'kind', 'payload', 'base', 'created_at'].filter((name) =>
    columns.some((column) => column.name === name),
  )
  db.exec(`
    CREATE TABLE outbox_v3 (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      object_id TEXT NOT NULL,
      kind TEXT NOT NULL CHECK (kind IN ('profile','event','delete')),
      payload TEXT NOT NULL,                    -- JSON: the CleverTap upload record
      base TEXT,                                -- JSON: the values before the change (conflicts)
      created_at INTEGER NOT NULL,
      -- pending: to send (unless its id is in outbox_done); parked: refused by the server (error_*),
      -- sent again after a new change to the profile or a retry (or discarded: the entry is deleted).
      state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending','parked')),
      attempts INTEGER NOT NULL DEFAULT 0,
      error_code INTEGER,
      error_message TEXT,
      parked_at INTEGER                         -- epoch ms
    ) STRICT;
    INSERT INTO outbox_v3 (${copied.join(', ')}) SELECT ${copied.join(', ')} FROM outbox;
    DROP TABLE outbox;
    ALTER TABLE outbox_v3 RENAME TO outbox;
    CREATE INDEX outbox_object ON outbox(object_id);
    CREATE INDEX outbox_parked ON outbox(object_id) WHERE state = 'parked';
    -- Entries the server processed: out of the queue; their outbox rows are deleted in the background.
    CREATE TABLE outbox_done (id INTEGER PRIMARY KEY) STRICT;

    -- A field changed here (pending) and on the server since the last sync: kept until a person chooses.
    CREATE TABLE sync_conflicts (
      id INTEGER PRIMARY KEY,
      object_id TEXT NOT NULL,
      field TEXT NOT NULL,
      mine TEXT,                                -- JSON wire value; NULL: absent
      theirs TEXT,
      base TEXT,
      detected_at INTEGER NOT NULL,             -- epoch ms
      resolved_at INTEGER,
      resolution TEXT CHECK (resolution IN ('mine','theirs','deleted'))
    ) STRICT;
    CREATE UNIQUE INDEX sync_conflicts_open ON sync_conflicts(object_id, field) WHERE resolved_at IS NULL;

    CREATE TABLE sync_runs (
      id INTEGER PRIMARY KEY,
      kind TEXT NOT NULL CHECK (kind IN ('push','pull')),
      trigger TEXT NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('running','succeeded','partial','failed','cancelled','interrupted')),
      started_at INTEGER NOT NULL,              -- epoch ms
      finished_at INTEGER,
      records INTEGER NOT NULL DEFAULT 0,
      rejected INTEGER NOT NULL DEFAULT 0,
      conflicts INTEGER NOT NULL DEFAULT 0,
      requests INTEGER NOT NULL DEFAULT 0,
      retries INTEGER NOT NULL DEFAULT 0,
      error_code TEXT,
      error_message TEXT,
      endpoint TEXT,                            -- never credentials
      notes TEXT NOT NULL DEFAULT '[]'          -- JSON: a few examples of rejections
    ) STRICT;

    -- Profiles deleted here and on the server: CleverTap deletes within ~48 h, so a pull in between must
    -- not bring them back.
    CREATE TABLE sync_tombstones (
      object_id TEXT PRIMARY KEY,
      identity TEXT,
      deleted_at INTEGER NOT NULL               -- epoch ms
    ) STRICT, WITHOUT ROWID;
  `)
}

export const SYNC_MIGRATIONS: readonly Migration[] = [
  {
    version: 3,
    description: 'sync: outbox delivery state (AUTOINCREMENT ids), conflicts, runs, tombstones',
    up: upgradeSyncSchema,
  },
]
