// How custom property types are named in forms and lists.
import type { CustomPropertyType } from '$shared/profile/types'

export const CUSTOM_TYPE_LABELS: Readonly<Record<CustomPropertyType, string>> = {
  string: 'Text',
  number: 'Number',
  boolean: 'Yes / No',
  date: 'Date',
  multi: 'List of text',
}
