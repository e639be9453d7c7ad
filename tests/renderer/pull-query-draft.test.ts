// The "What a pull downloads" form's draft: the saved query shown as text, the checks under each field,
// and the query it saves, which the backend's contract accepts.
import { describe, expect, it } from 'vitest'
import { syncChannels } from '../../shared/ipc/channels/sync'
import { DEFAULT_PULL_QUERY, type PullQuery } from '../../shared/sync/pull-query'
import {
  draftOfQuery,
  newFieldDraft,
  queryOfDraft,
  type PullQueryDraft,
} from '../../renderer/src/lib/sync/pull-query-draft'

const accepts = (query: PullQuery) =>
  syncChannels['sync.settings.set'].req.safeParse({ pullQuery: query }).success

describe('the pull query form', () => {
  it('shows the default as empty fields and saves empty fields as the default', () => {
    const draft = draftOfQuery(DEFAULT_PULL_QUERY)
    expect(draft).toEqual({ eventName: '', from: '', to: '', fields: [] })
    expect(queryOfDraft(draft)).toEqual({ query: DEFAULT_PULL_QUERY })
  })

  it('round-trips a query, typing numbers for the comparisons', () => {
    const query: PullQuery = {
      eventName: 'Charged',
      from: 20240101,
      to: 20240630,
      profileFields: [
        { name: 'Plan', operator: 'equals', value: 'pro' },
        { name: 'Email', operator: 'exists' },
        { name: 'Score', operator: 'greater_than_equals', value: 10 },
      ],
    }
    const draft = draftOfQuery(query)
    expect(draft.from).toBe('2024-01-01')
    expect(draft.fields[2]).toEqual({ name: 'Score', operator: 'greater_than_equals', value: '10' })
    expect(queryOfDraft(draft)).toEqual({ query })
    expect(accepts(query)).toBe(true)
  })

  it('says what is wrong under each field', () => {
    const draft: PullQueryDraft = {
      eventName: ' ',
      from: '2024-06-02',
      to: '2024-06-01',
      fields: [
        { ...newFieldDraft(), name: '', value: 'x' },
        { name: 'Age', operator: 'less_than', value: 'thirty' },
        { name: 'Plan', operator: 'contains', value: '  ' },
        { name: 'a:b', operator: 'exists', value: '' },
      ],
    }
    expect(queryOfDraft(draft)).toEqual({
      problems: {
        to: 'The last day is before the first day.',
        'fields.0.name': 'Enter the property’s name, e.g. Plan or Email.',
        'fields.1.value': 'Enter a number (got "thirty").',
        'fields.2.value': 'Enter the value to compare with.',
        'fields.3.name': 'A property name holds no ":" or "$".',
      },
    })
    // A blank event is the default event, not a problem.
    const fine = queryOfDraft({ ...draft, from: '', fields: [] })
    expect(fine).toEqual({ query: { ...DEFAULT_PULL_QUERY, to: 20240601 } })
  })
})
