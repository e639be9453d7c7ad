// How a form's inputs are tied to their hint and error for screen readers: the input is `{prefix}-{field}`
// (dots become dashes), its texts `…-hint` and `…-error`; aria-invalid follows whether it has a message.

export interface FieldAria {
  'aria-invalid': 'true' | undefined
  'aria-describedby': string | undefined
}

export interface FieldIds<F extends string> {
  /** The input's element id (also where a form moves focus to its first invalid field). */
  id(field: F): string
  /** The input's aria-invalid and aria-describedby: its hint when it has one, plus its message. */
  aria(field: F, hint: boolean): FieldAria
}

/** Ids for a form whose fields say their message with `messageFor` (null when the field is fine). */
export function fieldIds<F extends string>(
  prefix: string,
  messageFor: (field: F) => string | null,
): FieldIds<F> {
  const id = (field: F): string => `${prefix}-${field.replaceAll('.', '-')}`
  return {
    id,
    aria(field, hint) {
      const invalid = messageFor(field) !== null
      const ids = [hint ? `${id(field)}-hint` : null, invalid ? `${id(field)}-error` : null]
      const joined = ids.filter((part) => part !== null).join(' ')
      return { 'aria-invalid': invalid ? 'true' : undefined, 'aria-describedby': joined || undefined }
    },
  }
}
