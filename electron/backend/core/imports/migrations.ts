// The imports feature's migration, schema version 2: the import history, saved mappings, and the keys of
// imported events (so running an events file again stores nothing twice).
import type Database from 'better-sqlite3'
import type { Migration } from '../db/migrate'
import { FTS_TRIGGERS } from '../profiles/schema'
import { ROW_HASH_SCHEMA } from './row-hashes'

function upgradeImportSchema(db: Database.Database): void {
  db.exec(`
    -- Every dry run and import: file, who, when, mapping, counts, status. Times are epoch milliseconds.
    CREATE TABLE import_runs (
      id INTEGER PRIMARY KEY,
      kind TEXT NOT NULL CHECK (kind IN ('profiles', 'events')),
      mode TEXT NOT NULL CHECK (mode IN ('dry-run', 'import')),
      file_path TEXT NOT NULL,
      file_name TEXT NOT NULL,
      file_bytes INTEGER NOT NULL,
      actor TEXT NOT NULL,
      started_at INTEGER NOT NULL,
      finished_at INTEGER,
      status TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'cancelled', 'failed', 'interrupted')),
      mapping TEXT NOT NULL,                    -- JSON ImportMapping
      mapping_name TEXT,
      counts TEXT,                              -- JSON counts, also while running
      summary TEXT,                             -- JSON ImportSummary once finished
      error TEXT,
      error_file TEXT,                          -- the rejected-rows CSV in the data folder
      rows_done INTEGER NOT NULL DEFAULT 0,
      pid INTEGER NOT NULL                      -- the process running it: a dead one means interrupted
    ) STRICT;
    CREATE INDEX import_runs_mode ON import_runs(mode, id);

    CREATE TABLE import_mappings (
      name TEXT PRIMARY KEY COLLATE NOCASE,
      kind TEXT NOT NULL CHECK (kind IN ('profiles', 'events')),
      mapping TEXT NOT NULL,                    -- JSON ImportMapping
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL
    ) STRICT;

    -- One key per imported event row: a hash of its values plus its occurrence in the file.
    CREATE TABLE imported_events (key TEXT PRIMARY KEY) STRICT, WITHOUT ROWID;
  `)
}

/** Version 10: what resuming an interrupted import needs (import-resume.ts). */
function addResumeColumns(db: Database.Database): void {
  db.exec(`
    ALTER TABLE import_runs ADD COLUMN file_hash TEXT;                          -- sha256 of the file's bytes
    ALTER TABLE import_runs ADD COLUMN resume_line INTEGER NOT NULL DEFAULT 0;  -- last line whose rows are committed
    ALTER TABLE import_runs ADD COLUMN resumed_from INTEGER;                    -- the interrupted run this one finished
  `)
}

/** Version 11: pending id ranges of the trigram index (text-index-catchup.ts); the guarded FTS triggers. */
function addTextIndexRanges(db: Database.Database): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS fts_pending (
      first_id INTEGER NOT NULL,
      last_id INTEGER NOT NULL
    ) STRICT;
  `)
  for (const trigger of FTS_TRIGGERS) {
    db.exec(`DROP TRIGGER IF EXISTS ${trigger.name}`)
    db.exec(trigger.sql)
  }
}

export const IMPORT_MIGRATIONS: readonly Migration[] = [
  {
    version: 2,
    description: 'imports: run history, saved mappings, imported event keys',
    up: upgradeImportSchema,
  },
  { version: 10, description: 'imports: file hash and resume point of a run', up: addResumeColumns },
  { version: 11, description: 'imports: trigram index made live after an import', up: addTextIndexRanges },
  {
    version: 12,
    description: 'imports: content hash of the row that last set each profile',
    up: (db) => db.exec(ROW_HASH_SCHEMA),
  },
]
