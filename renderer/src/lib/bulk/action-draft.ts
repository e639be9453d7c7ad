// A bulk action as its form holds it, and the check that turns it into an action to preview: the same
// shared validators and drafts as a single edit on the profile page (property-draft.ts, the catalogue).
import {
  findSystemProperty,
  validateCustomProperty,
  validatePropertyKey,
  validateSystemProperty,
  type ValidationResult,
} from '$shared/profile/catalogue'
import { BULK_ACTIONS, type BulkAction, type BulkActionName } from '$shared/bulk/types'
import type { CustomPropertyType } from '$shared/profile/types'
import { isBlankDraft, rawValueOf, type Draft, type PropertyType } from '../profile/property-draft'

export const ACTION_KINDS = BULK_ACTIONS
export type ActionKind = BulkActionName

export const ACTION_LABELS: Record<ActionKind, string> = {
  set: 'Set a property',
  unset: 'Unset a property',
  'add-item': 'Add an item to a multi-value property',
  'remove-item': 'Remove an item from a multi-value property',
  test: 'Mark as test profiles',
  untest: 'Unmark test profiles',
  exclude: 'Exclude from all control groups',
  include: 'Include in control groups again',
  delete: 'Delete the profiles',
  'remove-token': 'Remove a push token',
  'remove-phone': 'Remove the phone number',
}

export interface ActionDraft {
  kind: ActionKind
  key: string
  /** The type a new custom key is given (an existing key keeps its account-wide type). */
  customType: CustomPropertyType
  value: Draft
  token: string
}

export function emptyDraft(kind: ActionKind = 'set'): ActionDraft {
  return { kind, key: '', customType: 'string', value: '', token: '' }
}

/** Which field a problem belongs to, so the form shows it there. */
export type DraftField = 'key' | 'value' | 'token'
export type DraftCheck =
  { ok: true; action: BulkAction } | { ok: false; field: DraftField | null; message: string | null }

export function needsKey(kind: ActionKind): boolean {
  return kind === 'set' || kind === 'unset' || kind === 'add-item' || kind === 'remove-item'
}

export function needsValue(kind: ActionKind): boolean {
  return kind === 'set' || kind === 'add-item' || kind === 'remove-item'
}

/**
 * The type of the key's values: a system property's, an existing custom key's (one type per key
 * account-wide), or the one chosen for a new custom key; items of a list are checked as lists.
 */
export function typeOfKey(
  draft: ActionDraft,
  customTypes: ReadonlyMap<string, CustomPropertyType>,
): PropertyType {
  const system = findSystemProperty(draft.key)
  if (system) return system.type
  return customTypes.get(draft.key) ?? draft.customType
}

/** Whether the key names a custom property the account does not have yet (its type is then chosen). */
export function isNewCustomKey(
  draft: ActionDraft,
  customTypes: ReadonlyMap<string, CustomPropertyType>,
): boolean {
  return draft.key !== '' && !findSystemProperty(draft.key) && !customTypes.has(draft.key)
}

function checkValue(key: string, type: PropertyType, raw: unknown, isSystem: boolean): ValidationResult {
  return isSystem
    ? validateSystemProperty(key, raw)
    : validateCustomProperty(key, type as CustomPropertyType, raw)
}

/** Checks a draft: an action to preview, or the problem and its field (message null: not filled in yet). */
export function checkDraft(
  draft: ActionDraft,
  customTypes: ReadonlyMap<string, CustomPropertyType>,
): DraftCheck {
  const { kind } = draft
  if (kind === 'remove-token') {
    const token = draft.token.trim()
    return token === ''
      ? { ok: false, field: 'token', message: null }
      : { ok: true, action: { action: 'remove-token', token } }
  }
  if (!needsKey(kind)) return { ok: true, action: { action: kind } as BulkAction }
  if (draft.key === '') return { ok: false, field: 'key', message: null }
  const system = findSystemProperty(draft.key)
  const keyError = system ? null : validatePropertyKey(draft.key)
  if (keyError) return { ok: false, field: 'key', message: keyError.message }
  const key = system?.key ?? draft.key
  const type = typeOfKey(draft, customTypes)
  if (kind === 'unset') return { ok: true, action: { action: 'unset', key } }
  if (kind === 'add-item' || kind === 'remove-item') {
    if (type !== 'multi') {
      return {
        ok: false,
        field: 'key',
        message: `${key} is not a multi-value property: it holds no list of items.`,
      }
    }
    const item = typeof draft.value === 'string' ? draft.value.trim() : ''
    if (item === '') return { ok: false, field: 'value', message: null }
    const checked = checkValue(key, type, [item], !!system)
    if (!checked.ok) return { ok: false, field: 'value', message: checked.error.message }
    return { ok: true, action: { action: kind, key, value: item } }
  }
  if (isBlankDraft(draft.value)) return { ok: false, field: 'value', message: null }
  const checked = checkValue(key, type, rawValueOf(type, draft.value), !!system)
  if (!checked.ok) return { ok: false, field: 'value', message: checked.error.message }
  const isNew = isNewCustomKey(draft, customTypes)
  return {
    ok: true,
    action: {
      action: 'set',
      key,
      value: checked.value,
      ...(isNew || !system ? { type: type as CustomPropertyType } : {}),
    },
  }
}
