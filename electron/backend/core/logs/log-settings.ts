// The log level a person chose (Settings, `profile-desk log-level`), kept in the settings table, and the
// secret store wrapped so every secret it hands out or stores is scrubbed from the log files.
import { AppError } from '../../../../shared/ipc/envelope'
import type { Db } from '../db/connection'
import { DEFAULT_LOG_LEVEL, LOG_LEVELS, redactSecret, type LogLevel } from '../platform/file-log'
import type { SecretStore } from '../platform/secret-store'

const LEVEL_KEY = 'log.level'

export function readLogLevel(db: Db): LogLevel {
  const row = db
    .prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?')
    .get(LEVEL_KEY)
  return (LOG_LEVELS as readonly string[]).includes(row?.value ?? '')
    ? (row?.value as LogLevel)
    : DEFAULT_LOG_LEVEL
}

export function writeLogLevel(db: Db, level: string): LogLevel {
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new AppError('validation', `The log level must be one of ${LOG_LEVELS.join(', ')}, not "${level}".`)
  }
  db.prepare(
    'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  ).run(LEVEL_KEY, level)
  return level as LogLevel
}

/** The same store; whatever secret passes through it is never written to a log file. */
export function redactingSecrets(store: SecretStore): SecretStore {
  return {
    describe: () => store.describe(),
    async get(name) {
      const value = await store.get(name)
      if (value !== null) redactSecret(value)
      return value
    },
    async set(name, value) {
      redactSecret(value)
      await store.set(name, value)
    },
    delete: (name) => store.delete(name),
  }
}
