// An audit entry's old or new value as a person reads it (the profile's history, a change set's entries):
// dates as dates, booleans as Yes/No, lists joined, nothing as "—".
import { findSystemProperty } from '$shared/profile/catalogue'
import type { PropertyValue } from '$shared/profile/types'
import { displayValue } from './property-draft'

function isPropertyValue(value: unknown): value is PropertyValue {
  return (
    typeof value === 'string' ||
    typeof value === 'number' ||
    typeof value === 'boolean' ||
    (Array.isArray(value) && value.every((item) => typeof item === 'string'))
  )
}

export function describeAuditValue(field: string | null, value: unknown): string {
  if (value === null || value === undefined || value === '') return '—'
  const type = field ? (findSystemProperty(field)?.type ?? 'string') : 'string'
  if (isPropertyValue(value)) return displayValue(type, value)
  return JSON.stringify(value)
}
