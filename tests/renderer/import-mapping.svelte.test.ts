// The wizard's mapping state (MappingDraft) checks the mapping as the person edits it with the backend's
// own check: each change shows the problem the backend would refuse the dry run with, in its words, on
// the column it belongs to.
import { describe, expect, it } from 'vitest'
import { proposeProfileMapping } from '../../electron/backend/core/imports/mapping-proposal'
import { checkMapping } from '../../shared/imports/mapping-check'
import type { ImportPreview } from '../../shared/imports/types'
import { MappingDraft } from '../../renderer/src/lib/state/import-mapping.svelte'

const HEADERS = ['identity', 'Email', 'mail', 'plan', 'tags', 'tags.operation']
const ROWS = [['u1', 'ann@example.com', 'ann@example.org', 'gold', '["a"]', '$add']]

/** The preview the backend would send for this file. */
function preview(): ImportPreview {
  const { columns, mapping } = proposeProfileMapping(HEADERS, ROWS, new Map())
  return {
    file: { path: '/x.csv', name: 'x.csv', bytes: 1, encoding: 'utf-8', delimiter: ',', lineBreak: '\n' },
    kind: 'profiles',
    headers: HEADERS,
    rows: ROWS,
    columns,
    mapping,
    mappingName: null,
    unplaced: [],
    problems: [],
    notices: [],
  }
}

/** What the backend says about the mapping the draft would send. */
function backendProblems(draft: MappingDraft): string[] {
  return checkMapping(draft.toMapping(), HEADERS, new Map(), 'profiles').problems
}

describe('MappingDraft', () => {
  it('starts from the proposal with nothing to fix', () => {
    const draft = new MappingDraft(preview())
    expect(draft.problems).toEqual([])
    expect(draft.columnProblems).toEqual({})
  })

  it('says there is no key column, as the backend does, once Identity is left out', () => {
    const draft = new MappingDraft(preview())
    draft.choose(0, 'ignore')
    expect(draft.problems).toEqual([
      'No column is mapped to Identity or objectId: profiles are matched by one of them (a column named "identity" is usual).',
    ])
    expect(draft.problems).toEqual(backendProblems(draft))
    expect(draft.ignored).toEqual(['identity', 'mail'])
    draft.choose(0, 'identity')
    expect(draft.problems).toEqual([])
  })

  it('puts a target taken twice on the later column, in the backend’s words', () => {
    const draft = new MappingDraft(preview())
    draft.choose(2, 'system:Email')
    const message = 'Columns "Email" and "mail" are both mapped to Email; keep one.'
    expect(draft.columnProblems).toEqual({ 2: message })
    expect(draft.problems).toEqual([message])
    expect(draft.problems).toEqual(backendProblems(draft))
  })

  it('flags a custom key that cannot be used and an operation whose column is left out', () => {
    const draft = new MappingDraft(preview())
    const plan = draft.columns.find((c) => c.column === 'plan')
    if (!plan) throw new Error('no plan column')
    plan.customKey = ''
    draft.choose(4, 'ignore')
    expect(draft.columnProblems).toEqual({
      3: 'Column "plan": give the property a key.',
      5: 'Column "tags.operation" holds operations for "tags", which is not an imported column.',
    })
    expect(draft.problems).toEqual(backendProblems(draft))
  })
})
