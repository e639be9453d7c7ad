// How the import screens put things into words: durations and time left, counts lines for the history,
// the name a browser upload is shown under, and the rejected-rows download's file name.
import { describe, expect, it } from 'vitest'
import { rejectedRowsFileName } from '../../renderer/src/lib/import/download-rejected-rows'
import {
  countsLine,
  displayFileName,
  formatDuration,
  formatTimeLeft,
  phaseText,
  validRows,
} from '../../renderer/src/lib/import/import-text'

describe('import text', () => {
  it('says how long a run took and how long it still needs, the way people estimate', () => {
    expect(formatDuration(850)).toBe('850 ms')
    expect(formatDuration(4200)).toBe('4.2 s')
    expect(formatDuration(190_000)).toBe('3 min 10 s')
    expect(formatDuration(3_900_000)).toBe('1 h 5 min')
    expect(formatTimeLeft(3)).toBe('a few seconds left')
    expect(formatTimeLeft(37)).toBe('about 40 s left')
    expect(formatTimeLeft(200)).toBe('about 3 min left')
    expect(formatTimeLeft(4000)).toBe('about 1 h 6 min left')
  })

  it('counts valid rows and writes a history line for profile and event runs', () => {
    const profiles = { rows: 7, new: 4, updated: 0, unchanged: 0, rejected: 3, duplicates: 1, warnings: 1 }
    expect(validRows(profiles)).toBe(4)
    expect(countsLine(profiles)).toBe('7 rows: 4 new, 0 updated, 0 unchanged, 3 rejected')
    const events = {
      rows: 3,
      imported: 2,
      unchanged: 1,
      rejected: 0,
      profilesCreated: 1,
      loginsBecame: 1,
      loginsSwitched: 0,
      warnings: 0,
    }
    expect(countsLine(events)).toBe('3 rows: 2 imported, 1 already there, 0 rejected')
  })

  it('shows a browser upload under the name that was chosen, and names its rejected rows after it', () => {
    expect(displayFileName('d8aa115f-people.csv', '/data/imports/uploads/d8aa115f-people.csv')).toBe(
      'people.csv',
    )
    expect(displayFileName('d8aa115f-people.csv', 'C:\\data\\imports\\uploads\\d8aa115f-people.csv')).toBe(
      'people.csv',
    )
    // A file imported from its own folder keeps its name, whatever it looks like.
    expect(displayFileName('d8aa115f-people.csv', '/home/ana/d8aa115f-people.csv')).toBe(
      'd8aa115f-people.csv',
    )
    expect(rejectedRowsFileName('crm export.csv', 4)).toBe('crm export-rejected-rows.csv')
    expect(rejectedRowsFileName('.csv', 4)).toBe('import-run-4-rejected-rows.csv')
  })

  it('says what each phase of a run does, and that the last step of an import cannot be cancelled', () => {
    expect(phaseText('reading', 'import')).toMatchObject({
      label: 'Pass 1 of 2: reading the file',
      counting: true,
      cancellable: true,
    })
    expect(phaseText('validating', 'dry-run')).toMatchObject({
      label: 'Pass 2 of 2: checking every row',
      note: 'Nothing is written while the rows are checked.',
    })
    expect(phaseText('importing', 'import')).toMatchObject({
      label: 'Pass 2 of 2: importing rows',
      cancellable: true,
    })
    // Edits are applied between batches, and an interrupted import resumes: the wizard says both.
    const importing = phaseText('importing', 'import').note
    expect(importing).toContain(
      'Find People keeps answering, and edits (here, from the CLI or a sync) are applied between batches',
    )
    expect(importing).toContain(
      'import the same file again with the same mapping: it resumes after the last written batch',
    )
    expect(phaseText('indexing', 'import')).toMatchObject({
      label: 'Indexing the new profiles for substring search',
      note: 'This last step ends on its own; you can keep working meanwhile.',
      counting: true,
      cancellable: false,
    })
    expect(phaseText('starting', 'import')).toMatchObject({
      label: 'Starting the import',
      detail: 'Starting…',
    })
  })
})
