// The bulk actions, one profile at a time: what each does to a profile's state (through the same
// validators as a single edit, core/profiles/properties.ts), whether a profile is already in that state
// or is refused and why, and the before/after a preview shows. Writing is in apply.ts.
import type { BulkAction, BulkFieldChange } from '../../../../shared/bulk/types'
import { AppError } from '../../../../shared/ipc/envelope'
import type { PropertyChange } from '../../../../shared/ipc/contract'
import { findSystemProperty } from '../../../../shared/profile/catalogue'
import type { CustomPropertyType, PropertyValue } from '../../../../shared/profile/types'
import type { Db } from '../db/connection'
import type { ProfileRow } from '../profiles/profile-rows'
import {
  cloneState,
  IDENTIFIER_KEYS,
  readPropertyState,
  setCustomProperty,
  setSystemProperty,
  TEST_USER_KEY,
  unsetProperty,
  valuesEqual,
  type PropertyState,
} from '../profiles/properties'
import { tokenHash } from '../devices/device-store'

export type Outcome =
  { kind: 'change'; changes: BulkFieldChange[] } | { kind: 'same' } | { kind: 'refused'; reason: string }

/** A person's words for the action: "Set plan = gold", "Mark as test profile". */
export function actionLabel(action: BulkAction): string {
  switch (action.action) {
    case 'set':
      return `Set ${action.key} = ${Array.isArray(action.value) ? action.value.join('|') : String(action.value)}`
    case 'unset':
      return `Unset ${action.key}`
    case 'add-item':
      return `Add "${action.value}" to ${action.key}`
    case 'remove-item':
      return `Remove "${action.value}" from ${action.key}`
    case 'test':
      return 'Mark as test profile'
    case 'untest':
      return 'Unmark test profile'
    case 'exclude':
      return 'Exclude from all control groups'
    case 'include':
      return 'Include in control groups again'
    case 'delete':
      return 'Delete'
    case 'remove-token':
      return 'Remove push token'
    case 'remove-phone':
      return 'Remove phone'
  }
}

/** What the remote will not mirror, said before applying. */
export function remoteNotes(action: BulkAction): string[] {
  if (action.action === 'remove-token')
    return ['A push token removal is local only: the upload API has no record that removes a token.']
  if (action.action === 'exclude' || action.action === 'include')
    return ['Control-group exclusion is a dashboard setting: it is kept here and audited, not uploaded.']
  if (action.action === 'delete')
    return [
      'Deletions are sent to the remote, which deletes asynchronously. Undo restores the profiles here; one whose deletion was already pushed is uploaded again only when you confirm.',
    ]
  return []
}

/** Whole-action checks that do not depend on a profile: the key and value are refused for everyone. */
export function checkAction(action: BulkAction, types: Map<string, CustomPropertyType>): void {
  if (
    action.action !== 'set' &&
    action.action !== 'unset' &&
    action.action !== 'add-item' &&
    action.action !== 'remove-item'
  )
    return
  const property = findSystemProperty(action.key)
  if (property && (IDENTIFIER_KEYS.has(property.key) || property.key === TEST_USER_KEY))
    throw new AppError(
      'validation',
      property.key === TEST_USER_KEY
        ? `${TEST_USER_KEY} is set by marking test profiles: use the "test" / "untest" action.`
        : `${property.key} is an identifier, unique to each profile: it cannot be set on many profiles at once.`,
      { key: property.key },
    )
  if (action.action === 'add-item' || action.action === 'remove-item') {
    const type = property ? property.type : (types.get(action.key) ?? 'multi')
    if (type !== 'multi')
      throw new AppError('validation', `${action.key} is a ${type} property, not a multi-value list.`, {
        key: action.key,
      })
  }
  if (action.action === 'set') {
    // The value is the same for every profile: validated once, as a single edit would be.
    const probe: PropertyState = { system: new Map(), custom: new Map() }
    if (property) setSystemProperty(probe, property, action.value)
    else setCustomProperty(probe, new Map(types), action.key, action.value, action.type)
  }
}

/** The property edit an action makes on this state (null: none is needed). */
export function propertyEdit(action: BulkAction, state: PropertyState): PropertyChange | null {
  switch (action.action) {
    case 'set':
      return {
        op: 'set',
        key: action.key,
        value: action.value,
        ...(action.type ? { type: action.type } : {}),
      }
    case 'unset':
      return { op: 'unset', key: action.key }
    case 'remove-phone':
      return { op: 'unset', key: 'Phone' }
    case 'add-item':
    case 'remove-item': {
      const current = listOf(state, action.key)
      const next =
        action.action === 'add-item'
          ? current.includes(action.value)
            ? current
            : [...current, action.value]
          : current.filter((item) => item !== action.value)
      if (next.length === 0) return { op: 'unset', key: action.key }
      return { op: 'set', key: action.key, value: next, type: 'multi' }
    }
    default:
      return null
  }
}

function listOf(state: PropertyState, key: string): string[] {
  const property = findSystemProperty(key)
  const value = property ? state.system.get(property.key) : state.custom.get(key)?.value
  return Array.isArray(value) ? value : []
}

/** Applies a property edit to an in-memory state with the single edit's rules (ProfileChange.apply's). */
export function applyEdit(
  state: PropertyState,
  types: Map<string, CustomPropertyType>,
  edit: PropertyChange,
): void {
  const property = findSystemProperty(edit.key)
  if (edit.op === 'unset') unsetProperty(state, edit.key)
  else if (property) setSystemProperty(state, property, edit.value)
  else setCustomProperty(state, types, edit.key, edit.value, edit.type)
}

function valueOf(state: PropertyState, key: string): PropertyValue | null {
  const property = findSystemProperty(key)
  return (property ? state.system.get(property.key) : state.custom.get(key)?.value) ?? null
}

function flag(field: string, before: boolean, after: boolean): Outcome {
  return before === after ? { kind: 'same' } : { kind: 'change', changes: [{ field, before, after }] }
}

/** What the action does to one profile. `types` is the account's custom property types (read once). */
export function outcomeFor(
  db: Db,
  action: BulkAction,
  row: ProfileRow,
  types: Map<string, CustomPropertyType>,
): Outcome {
  switch (action.action) {
    case 'test':
    case 'untest':
      return flag(TEST_USER_KEY, row.is_test === 1, action.action === 'test')
    case 'exclude':
    case 'include':
      return flag('excludedFromControlGroups', row.cg_excluded === 1, action.action === 'exclude')
    case 'delete':
      return { kind: 'change', changes: [{ field: 'profile', before: row.object_id, after: null }] }
    case 'remove-token': {
      const held = db
        .prepare(
          'SELECT count(*) AS n FROM devices WHERE profile_id = ? AND token_hash = ? AND push_token = ?',
        )
        .get(row.id, tokenHash(action.token), action.token) as { n: number }
      return held.n === 0
        ? { kind: 'same' }
        : { kind: 'change', changes: [{ field: 'push token', before: action.token, after: null }] }
    }
    default: {
      const before = readPropertyState(row, types)
      const edit = propertyEdit(action, before)
      if (edit === null) return { kind: 'same' }
      const after = cloneState(before)
      try {
        applyEdit(after, new Map(types), edit)
      } catch (error) {
        if (error instanceof AppError) return { kind: 'refused', reason: error.message }
        throw error
      }
      const key = findSystemProperty(edit.key)?.key ?? edit.key
      const old = valueOf(before, key)
      const now = valueOf(after, key)
      if (valuesEqual(old ?? undefined, now ?? undefined)) return { kind: 'same' }
      return { kind: 'change', changes: [{ field: key, before: old, after: now }] }
    }
  }
}
