// The segment being built: its name, AND/OR, conditions and groups (one level deep) as typed, the
// definition they make and the shared meaning checks' problems, each placed on its condition.
import type { CustomPropertyType } from '$shared/profile/types'
import {
  isValueless,
  operatorFits,
  valueTypeOf,
  type Join,
  type Operator,
  type PropertyRef,
  type SegmentDefinition,
} from '$shared/segments/definition'
import { definitionProblems } from '$shared/segments/validate'
import type { SavedSegment } from '$shared/segments/types'
import {
  fromDefinition,
  newBehaviourDraft,
  newId,
  newPropertyDraft,
  NO_CUSTOM_TYPES,
  problemsByCondition,
  toDefinition,
  type ConditionDraft,
  type ItemDraft,
  type PropertyDraft,
} from '../segments/condition-draft'

const FIRST_PROPERTY: PropertyRef = { kind: 'system', key: 'Name' }

export class SegmentDraft {
  /** The saved segment this edits; null for a new one. */
  id = $state<string | null>(null)
  name = $state('')
  join = $state<Join>('and')
  items = $state<ItemDraft[]>([])
  customTypes = $state.raw<ReadonlyMap<string, CustomPropertyType>>(NO_CUSTOM_TYPES)
  /** The definition as last saved (or loaded), to tell unsaved changes. */
  #savedJson = $state(JSON.stringify(toDefinition({ join: 'and', items: [] }, NO_CUSTOM_TYPES)))

  definition = $derived<SegmentDefinition>(
    toDefinition({ join: this.join, items: this.items }, this.customTypes),
  )
  problems = $derived(definitionProblems(this.definition, this.customTypes))
  /** Each problem's message by condition, in flattened order (groups opened). */
  problemByCondition = $derived(problemsByCondition(this.problems))
  isEmpty = $derived(this.items.length === 0)
  hasChanges = $derived(JSON.stringify(this.definition) !== this.#savedJson)

  /** Starts over from a saved segment, or empty. */
  load(saved: SavedSegment | null): void {
    this.id = saved?.id ?? null
    this.name = saved?.name ?? ''
    const draft = fromDefinition(saved?.definition)
    this.join = draft.join
    this.items = draft.items
    this.#savedJson = JSON.stringify(this.definition)
  }

  markSaved(saved: SavedSegment): void {
    this.id = saved.id
    this.name = saved.name
    this.#savedJson = JSON.stringify(this.definition)
  }

  /** Adds a property condition at the top level or to group `groupIndex`. */
  addCondition(groupIndex?: number): void {
    this.#add(newPropertyDraft(FIRST_PROPERTY, this.customTypes), groupIndex)
  }

  addBehaviour(groupIndex?: number, event = ''): void {
    this.#add(newBehaviourDraft(event), groupIndex)
  }

  /** A group starts with one condition (ANY of these unless told otherwise). */
  addGroup(): void {
    this.items.push({
      kind: 'group',
      id: newId(),
      join: this.join === 'and' ? 'or' : 'and',
      conditions: [newPropertyDraft(FIRST_PROPERTY, this.customTypes)],
    })
  }

  /** Removes a top-level item, or one condition of a group (an emptied group goes too). */
  remove(itemIndex: number, conditionIndex?: number): void {
    const item = this.items[itemIndex]
    if (!item) return
    if (item.kind === 'group' && conditionIndex !== undefined) {
      item.conditions.splice(conditionIndex, 1)
      if (item.conditions.length > 0) return
    }
    this.items.splice(itemIndex, 1)
  }

  /** Picks another property: keeps the operator and value when they still fit its type. */
  setProperty(condition: PropertyDraft, property: PropertyRef): void {
    const type = valueTypeOf(property, this.customTypes) ?? 'string'
    const before = valueTypeOf(condition.property, this.customTypes)
    condition.property = property
    if (!operatorFits(type, condition.op)) condition.op = newPropertyDraft(property, this.customTypes).op
    if (before !== type) {
      condition.value = ''
      condition.value2 = ''
    }
  }

  setOperator(condition: PropertyDraft, op: Operator): void {
    condition.op = op
    if (isValueless(op)) {
      condition.value = ''
      condition.value2 = ''
    }
  }

  /** The position of a condition in flattened order (what problems and per-condition counts use). */
  flatIndex(itemIndex: number, conditionIndex = 0): number {
    let index = 0
    for (let i = 0; i < itemIndex; i++) {
      const item = this.items[i]
      index += item?.kind === 'group' ? item.conditions.length : 1
    }
    return index + conditionIndex
  }

  #add(condition: ConditionDraft, groupIndex?: number): void {
    const group = groupIndex === undefined ? undefined : this.items[groupIndex]
    if (group?.kind === 'group') group.conditions.push(condition)
    else this.items.push(condition)
  }
}
