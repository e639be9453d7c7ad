// The mapping being edited in the wizard: one draft per column of the file (its target, key, type and
// date format), started from the backend's proposal, checked as it changes, and turned into the
// ImportMapping the dry run and the import receive. Columns a saved mapping did not place stay unplaced
// (left out of the mapping, and said so) until a person chooses for them.
import type {
  DateFormat,
  EventColumnMapping,
  EventColumnTarget,
  ImportKind,
  ImportMapping,
  ImportPreview,
  PreviewColumn,
  ProfileColumnMapping,
  ProfileColumnTarget,
} from '$shared/imports/types'
import { findSystemProperty, validatePropertyKey } from '$shared/profile/catalogue'
import type { CustomPropertyType } from '$shared/profile/types'
import { choiceOf, IGNORE, systemKeyOf, UNPLACED, type TargetChoice } from '../import/column-targets'

export type EventPropertyType = 'string' | 'number' | 'boolean' | 'date'

export interface ColumnDraft {
  readonly index: number
  /** The header as written in the file. */
  readonly column: string
  readonly samples: readonly string[]
  /** The backend's reason for its proposal, or what to check. */
  readonly note: string | null
  /** `<column>.operation` headers: the column whose operations this one holds. */
  readonly operationOf: string | null
  choice: TargetChoice
  customKey: string
  customType: CustomPropertyType
  eventType: EventPropertyType
  dateFormat: DateFormat
  unplaced: boolean
}

const OPERATION_HEADER = /^(.*)\.operation$/i

function columnName(draft: Pick<ColumnDraft, 'column' | 'index'>): string {
  return draft.column.trim() === '' ? `column ${draft.index + 1}` : draft.column.trim()
}

function draftOf(column: PreviewColumn, headers: readonly string[], unplaced: boolean): ColumnDraft {
  const target = column.proposal
  const named = OPERATION_HEADER.exec(column.column.trim())?.[1]?.trim().toLowerCase()
  const operationOf =
    target.kind === 'operation'
      ? target.of
      : named === undefined
        ? null
        : (headers.find((h) => h.trim().toLowerCase() === named)?.trim() ?? null)
  return {
    index: column.index,
    column: column.column,
    samples: column.samples,
    note: column.note ?? null,
    operationOf,
    choice: unplaced ? UNPLACED : choiceOf(target),
    customKey:
      target.kind === 'custom' || target.kind === 'eventProperty' ? target.key : column.column.trim(),
    customType: target.kind === 'custom' ? target.type : 'string',
    eventType: target.kind === 'eventProperty' ? target.type : 'string',
    dateFormat: column.dateFormat ?? 'auto',
    unplaced,
  }
}

export class MappingDraft {
  readonly kind: ImportKind
  readonly headers: readonly string[]
  columns = $state<ColumnDraft[]>([])

  constructor(preview: ImportPreview) {
    this.kind = preview.kind
    this.headers = preview.headers
    // A column the mapping has no entry for is unplaced (a saved mapping that did not know it).
    const mapped = preview.mapping.columns.map((c) => c.index)
    this.columns = preview.columns.map((column) =>
      draftOf(column, preview.headers, !mapped.includes(column.index)),
    )
  }

  /** What the person picked for a column; picking anything (even "Leave out") places it. */
  choose(index: number, choice: TargetChoice): void {
    const draft = this.columns.find((c) => c.index === index)
    if (!draft) return
    draft.choice = choice
    draft.unplaced = false
    if ((choice === 'custom' || choice === 'eventProperty') && draft.customKey === '')
      draft.customKey = draft.column.trim()
  }

  /** Whether a column's values are read as dates (so its date format matters). */
  readsDates(draft: ColumnDraft): boolean {
    const system = systemKeyOf(draft.choice)
    if (system !== null) return findSystemProperty(system)?.type === 'date'
    if (draft.choice === 'custom') return draft.customType === 'date'
    if (draft.choice === 'eventProperty') return draft.eventType === 'date'
    return draft.choice === 'timestamp'
  }

  /** Columns not placed: they will not be imported (the backend says so too). */
  unplaced = $derived(this.columns.filter((c) => c.unplaced).map(columnName))
  /** Columns left out on purpose. */
  ignored = $derived(this.columns.filter((c) => !c.unplaced && c.choice === IGNORE).map(columnName))
  /** Whether a column identifies the profile (profiles) or the device / person (events). */
  hasKeyColumn = $derived(
    this.columns.some((c) =>
      this.kind === 'profiles'
        ? !c.unplaced && (c.choice === 'identity' || c.choice === 'objectId')
        : !c.unplaced && (c.choice === 'deviceId' || c.choice === 'identity'),
    ),
  )

  /** The problem with one column's choice (a bad key, a target taken twice), for the row and the list. */
  columnProblems = $derived.by(() => {
    const problems: Record<number, string> = {}
    const slots: Record<string, ColumnDraft> = {}
    for (const draft of this.columns) {
      if (draft.unplaced || draft.choice === IGNORE) continue
      const problem = this.#ownProblem(draft)
      if (problem) {
        problems[draft.index] = problem
        continue
      }
      const slot = this.#slotOf(draft)
      if (slot === null) continue
      const other = slots[slot]
      if (other) {
        problems[draft.index] =
          `“${columnName(draft)}” and “${columnName(other)}” both go to the same place; keep one`
      } else slots[slot] = draft
    }
    return problems
  })

  /** Everything that stops a dry run, in plain words. */
  problems = $derived.by(() => {
    const list: string[] = []
    if (!this.hasKeyColumn) {
      list.push(
        this.kind === 'profiles'
          ? 'No column is mapped to Identity or objectId: every row needs one of them to find its profile.'
          : 'No column is mapped to the device id or the identity: every event needs one of them.',
      )
    }
    if (this.kind === 'events' && !this.columns.some((c) => !c.unplaced && c.choice === 'eventName')) {
      list.push('No column is mapped to the event name.')
    }
    list.push(...Object.values(this.columnProblems))
    return list
  })

  /** The mapping to send: every placed column with its target (unplaced ones are left out). */
  toMapping(): ImportMapping {
    const placed = this.columns.filter((c) => !c.unplaced)
    if (this.kind === 'events') {
      const columns: EventColumnMapping[] = placed.map((draft) => ({
        column: draft.column,
        index: draft.index,
        target: this.#eventTarget(draft),
        ...(this.readsDates(draft) ? { dateFormat: draft.dateFormat } : {}),
      }))
      return { kind: 'events', columns }
    }
    const columns: ProfileColumnMapping[] = placed.map((draft) => ({
      column: draft.column,
      index: draft.index,
      target: this.#profileTarget(draft),
      ...(this.readsDates(draft) ? { dateFormat: draft.dateFormat } : {}),
    }))
    return { kind: 'profiles', columns }
  }

  /** A problem of the column on its own: a custom key that cannot be used, an operation without a column. */
  #ownProblem(draft: ColumnDraft): string | null {
    const name = columnName(draft)
    if (draft.choice === 'custom' || draft.choice === 'eventProperty') {
      const key = draft.customKey
      const keyError = validatePropertyKey(key)
      if (keyError) return `“${name}”: ${key === '' ? 'give the property a key' : keyError.message}`
      const system = findSystemProperty(key)
      if (system) return `“${name}”: “${key}” is a system property; choose ${system.key} instead`
    }
    if (draft.choice === 'operation' && draft.operationOf === null) {
      return `“${name}”: the file has no column whose operations it could hold`
    }
    return null
  }

  #slotOf(draft: ColumnDraft): string | null {
    if (draft.choice === 'custom' || draft.choice === 'eventProperty') return `key:${draft.customKey}`
    if (draft.choice === 'operation' || draft.choice === IGNORE) return null
    return draft.choice
  }

  #profileTarget(draft: ColumnDraft): ProfileColumnTarget {
    const system = systemKeyOf(draft.choice)
    if (system !== null) return { kind: 'system', key: system }
    switch (draft.choice) {
      case 'identity':
        return { kind: 'identity' }
      case 'objectId':
        return { kind: 'objectId' }
      case 'custom':
        return { kind: 'custom', key: draft.customKey, type: draft.customType }
      case 'operation':
        return draft.operationOf === null ? { kind: 'ignore' } : { kind: 'operation', of: draft.operationOf }
      default:
        return { kind: 'ignore' }
    }
  }

  #eventTarget(draft: ColumnDraft): EventColumnTarget {
    switch (draft.choice) {
      case 'deviceId':
      case 'identity':
      case 'eventName':
      case 'timestamp':
        return { kind: draft.choice }
      case 'eventProperty':
        return { kind: 'eventProperty', key: draft.customKey, type: draft.eventType }
      default:
        return { kind: 'ignore' }
    }
  }
}
