// The SFTP feature's migration, schema version 4: SFTP sources (secrets live in the secret store,
// never here), their runs and each file a run took, which is also what already-imported files are
// recognised by (name, size, modification time and content hash).
import type Database from 'better-sqlite3'
import type { Migration } from '../db/migrate'

function upgradeSftpSchema(db: Database.Database): void {
  db.exec(`
    -- Times are epoch milliseconds.
    CREATE TABLE sftp_sources (
      id INTEGER PRIMARY KEY,
      name TEXT NOT NULL COLLATE NOCASE UNIQUE,
      host TEXT NOT NULL,
      port INTEGER NOT NULL,
      username TEXT NOT NULL,
      auth TEXT NOT NULL CHECK (auth IN ('password', 'key')),
      host_key TEXT,                            -- the trusted 'SHA256:...' fingerprint; NULL until trusted
      host_key_type TEXT,                       -- e.g. ssh-ed25519, when seen
      folder TEXT NOT NULL,
      pattern TEXT NOT NULL,
      completion TEXT NOT NULL CHECK (completion IN ('manifest', 'stable')),
      kind TEXT NOT NULL CHECK (kind IN ('profiles', 'events')),
      mapping_name TEXT,
      after TEXT NOT NULL CHECK (after IN ('leave', 'move', 'delete')),
      schedule TEXT NOT NULL,                   -- JSON Schedule
      schedule_anchor INTEGER NOT NULL,         -- when the schedule was set: slots before it are not due
      last_slot_at INTEGER,                     -- the latest scheduled slot a run was started for
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL
    ) STRICT;

    CREATE TABLE sftp_runs (
      id INTEGER PRIMARY KEY,
      source_id INTEGER REFERENCES sftp_sources(id) ON DELETE SET NULL,
      source_name TEXT NOT NULL,                -- kept when the source is removed
      trigger TEXT NOT NULL CHECK (trigger IN ('manual', 'schedule', 'missed', 'cli')),
      status TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'partial', 'failed', 'cancelled', 'interrupted')),
      started_at INTEGER NOT NULL,
      finished_at INTEGER,
      found INTEGER NOT NULL DEFAULT 0,
      waiting TEXT NOT NULL DEFAULT '[]',       -- JSON: names of files not complete yet
      error TEXT,
      pid INTEGER NOT NULL                      -- the process running it: a dead one means interrupted
    ) STRICT;
    CREATE INDEX sftp_runs_source ON sftp_runs(source_id, id);
    CREATE INDEX sftp_runs_running ON sftp_runs(status) WHERE status = 'running';

    CREATE TABLE sftp_files (
      id INTEGER PRIMARY KEY,
      run_id INTEGER NOT NULL REFERENCES sftp_runs(id) ON DELETE CASCADE,
      source_id INTEGER,                        -- for finding files already imported from this source
      name TEXT NOT NULL,
      remote_path TEXT NOT NULL,
      size INTEGER NOT NULL,
      mtime INTEGER NOT NULL,
      sha256 TEXT,                              -- hex, once downloaded
      status TEXT NOT NULL CHECK (status IN ('downloading', 'downloaded', 'importing', 'imported', 'skipped', 'failed')),
      attempts INTEGER NOT NULL DEFAULT 0,
      import_run_id INTEGER,                    -- import_runs.id
      counts TEXT,                              -- JSON counts of the import
      rejected_rows INTEGER NOT NULL DEFAULT 0,
      error TEXT,
      after TEXT CHECK (after IN ('left', 'moved', 'deleted')),
      after_error TEXT,
      started_at INTEGER NOT NULL,
      finished_at INTEGER
    ) STRICT;
    CREATE INDEX sftp_files_run ON sftp_files(run_id, id);
    CREATE INDEX sftp_files_imported ON sftp_files(source_id, name, size, mtime, sha256) WHERE status = 'imported';
  `)
}

export const SFTP_MIGRATIONS: readonly Migration[] = [
  {
    version: 4,
    description: 'sftp: import sources, their runs and the files each run took',
    up: upgradeSftpSchema,
  },
]
