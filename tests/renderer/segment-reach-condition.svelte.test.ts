// The segment builder offers reachability per channel: choosing "Reachability on SMS" and an answer in
// words gives the shared condition the engine counts (reachable.sms = optedout).
import { cleanup, render, screen } from '@testing-library/svelte'
import userEvent from '@testing-library/user-event'
import { afterEach, describe, expect, it } from 'vitest'
import PropertyConditionFields from '../../renderer/src/components/segments/PropertyConditionFields.svelte'
import type { PropertyDraft } from '../../renderer/src/lib/segments/condition-draft'
import { SegmentDraft } from '../../renderer/src/lib/state/segment-draft.svelte'

afterEach(() => cleanup())

describe('PropertyConditionFields with reachability', () => {
  it('offers each channel and its answers in words, and writes the shared condition', async () => {
    const user = userEvent.setup()
    const draft = new SegmentDraft()
    draft.addCondition()
    const condition = draft.items[0] as PropertyDraft
    render(PropertyConditionFields, { draft, condition, name: 'Condition 1', customKeys: [] })

    const property = screen.getByLabelText('Condition 1: property') as HTMLSelectElement
    const group = property.querySelector('optgroup[label="Reachability"]')
    expect([...(group?.querySelectorAll('option') ?? [])].map((o) => o.textContent)).toEqual([
      'Reachability on Email',
      'Reachability on Mobile push',
      'Reachability on Web push',
      'Reachability on SMS',
      'Reachability on WhatsApp',
    ])
    await user.selectOptions(property, 'Reachability on SMS')
    const operator = screen.getByLabelText('Condition 1: operator') as HTMLSelectElement
    expect([...operator.options].map((o) => o.textContent)).toEqual(['equals', 'does not equal'])
    const value = screen.getByLabelText('Condition 1: value') as HTMLSelectElement
    expect([...value.options].map((o) => o.textContent)).toEqual([
      'Choose…',
      'Reachable',
      'Not reachable (any reason)',
      'Not reachable: no address or token',
      'Not reachable: address or token invalid',
      'Not reachable: opted out',
      'Not reachable: do-not-disturb',
    ])
    // The value select is bound to the draft (bind:value); happy-dom does not report a changed
    // selection back through it, so the test sets the draft's value as the binding would.
    expect(value.querySelector('option[value="optedout"]')?.textContent).toBe('Not reachable: opted out')
    condition.value = 'optedout'
    expect(draft.definition.conditions).toEqual([
      { type: 'property', property: { kind: 'reachable', channel: 'sms' }, op: 'eq', value: 'optedout' },
    ])
    expect(draft.problems).toEqual([])
  })
})
