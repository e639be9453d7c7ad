// A property value as a form holds it (text, or a checkbox's boolean) and back again. The shared
// validators decide what the text means; this only splits lists and keeps booleans as booleans.
import { formatPropertyValue, type SystemPropertyType } from '$shared/profile/catalogue'
import type { CustomPropertyType, PropertyValue } from '$shared/profile/types'
import { formatUtcDate } from '$shared/profile/validators-dates'
import { formatDateValue } from '../format/dates'

export type PropertyType = SystemPropertyType | CustomPropertyType
export type Draft = string | boolean

export function draftOf(type: PropertyType, value: PropertyValue | undefined): Draft {
  if (type === 'boolean') return value === true
  if (value === undefined) return ''
  if (type === 'date' && typeof value === 'number') return formatUtcDate(value)
  if (type === 'multi' && Array.isArray(value)) return value.join('\n')
  return String(value)
}

/** What the validator is given: list items one per line for multi-values, otherwise the draft as is. */
export function rawValueOf(type: PropertyType, draft: Draft): unknown {
  if (typeof draft === 'boolean') return draft
  if (type === 'multi') {
    return draft
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '')
  }
  return draft
}

/** An empty text field means "no value": saving it removes the property. */
export function isBlankDraft(draft: Draft): boolean {
  return typeof draft === 'string' && draft.trim() === ''
}

/** A stored value for reading: dates in the user's locale, the rest as the catalogue formats it. */
export function displayValue(type: PropertyType, value: PropertyValue): string {
  if (type === 'date' && typeof value === 'number') return formatDateValue(value)
  return formatPropertyValue(type, value)
}
