// The account's identity set (shared/profile/identity-set.ts), kept in the settings table. Imports read
// it when a run starts, so a change applies to the next import, never half-way through one.
import { AppError } from '../../../../shared/ipc/envelope'
import {
  DEFAULT_IDENTITY_SET,
  normaliseIdentitySet,
  type IdentitySetKey,
  type IdentitySetView,
} from '../../../../shared/profile/identity-set'
import type { BackendContext } from '../context'
import type { Db } from '../db/connection'
import { prepared } from './statements'

const SETTINGS_KEY = 'profiles.identity_set'

/** The stored set; the default when none was saved (or the stored text is unreadable). */
export function readIdentitySet(db: Db): IdentitySetKey[] {
  const row = prepared(db, 'SELECT value FROM settings WHERE key = ?').get(SETTINGS_KEY) as
    { value: string } | undefined
  if (row) {
    try {
      const stored: unknown = JSON.parse(row.value)
      if (Array.isArray(stored)) {
        const checked = normaliseIdentitySet(stored.map(String))
        if (checked.ok) return checked.keys
      }
    } catch {
      // An unreadable value falls back to the default below; saving again repairs it.
    }
  }
  return [...DEFAULT_IDENTITY_SET]
}

export function identitySetView(db: Db): IdentitySetView {
  return { keys: readIdentitySet(db), defaults: [...DEFAULT_IDENTITY_SET] }
}

/** Saves the set; refuses one without Identity or with unknown keys. */
export function saveIdentitySet(ctx: BackendContext, keys: readonly string[]): IdentitySetView {
  const checked = normaliseIdentitySet(keys)
  if (!checked.ok) {
    throw new AppError('validation', checked.message, { key: 'identitySet', value: keys })
  }
  prepared(
    ctx.db,
    'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
  ).run(SETTINGS_KEY, JSON.stringify(checked.keys))
  ctx.logger.info(`Identity set saved: ${checked.keys.join(', ')}.`)
  return identitySetView(ctx.db)
}
