// The mapping being edited in the wizard: one draft per column of the file (its target, key, type and
// date format), started from the backend's proposal, checked as it changes with the shared mapping check
// (the backend's own), and turned into the ImportMapping the dry run and the import receive. Columns a saved mapping did not place stay unplaced
// (left out of the mapping, and said so) until a person chooses for them.
import type {
  DateFormat,
  EventColumnMapping,
  EventColumnTarget,
  EventPropertyType,
  ImportKind,
  ImportMapping,
  ImportPreview,
  PreviewColumn,
  ProfileColumnMapping,
  ProfileColumnTarget,
} from '$shared/imports/types'
import { checkMapping } from '$shared/imports/mapping-check'
import { findSystemProperty } from '$shared/profile/catalogue'
import type { CustomPropertyType } from '$shared/profile/types'
import { choiceOf, systemKeyOf, UNPLACED, type TargetChoice } from '../import/column-targets'

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
const NO_CUSTOM_TYPES: ReadonlyMap<string, CustomPropertyType> = new Map()

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

  /**
   * The shared check of the mapping as it stands (the backend runs the same one, so it says the same):
   * the problems that stop a dry run, each column's own, and the columns left out or not placed.
   * The account's custom types are the backend's to check.
   */
  check = $derived(this.#check())
  /** Columns not placed: they will not be imported (the backend says so too). */
  unplaced = $derived(this.check.unplaced)
  /** Columns left out on purpose. */
  ignored = $derived(this.check.ignored)
  /** The problem with one column's choice (a bad key, a target taken twice), for the row and the list. */
  columnProblems = $derived(this.check.byColumn)
  /** Everything that stops a dry run, in plain words. */
  problems = $derived(this.check.problems)

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

  #check() {
    return checkMapping(this.toMapping(), this.headers, NO_CUSTOM_TYPES, this.kind)
  }

  #profileTarget(draft: ColumnDraft): ProfileColumnTarget {
    const system = systemKeyOf(draft.choice)
    if (system !== null) return { kind: 'system', key: system }
    switch (draft.choice) {
      case 'identity':
        return { kind: 'identity' }
      case 'objectId':
      case 'pushToken':
      case 'platform':
      case 'tokenType':
        return { kind: draft.choice }
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
      case 'pushToken':
      case 'platform':
      case 'tokenType':
      case 'appVersion':
        return { kind: draft.choice }
      case 'eventProperty':
        return { kind: 'eventProperty', key: draft.customKey, type: draft.eventType }
      default:
        return { kind: 'ignore' }
    }
  }
}
