// Files written to break the import, each with its outcome and message: the preview, the dry run or the
// import tells the person what is wrong and where; nothing is imported silently wrong.
import { rmSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ProfileColumnMapping } from '../../shared/ipc/channels/imports'
import { openImportHarness, type ImportHarness } from '../../test-support/import-harness'

let h: ImportHarness
beforeAll(() => {
  process.env.PROFILE_DESK_IMPORT_THREADING = 'in-thread'
  h = openImportHarness()
})
afterAll(async () => {
  await h.close()
})

const profile = (identity: string) => h.call('profiles.lookup', { key: identity })

describe('quoting and layout', () => {
  it('reads quoted commas, quotes and newlines, and numbers the lines after them correctly', async () => {
    const path = h.file(
      'quoted.csv',
      'identity,Name,City\n' +
        'q1,"Doe, Jane","Paris"\n' +
        'q2,"Line one\nline two ""quoted""",Berlin\n' +
        'q3,Bob,"Rome\n"\n' +
        ',NoIdentity,Oslo\n',
    )
    const { summary } = await h.run('imports.start', { file: h.grant(path) })
    expect(summary.counts).toMatchObject({ rows: 4, new: 3, rejected: 1 })
    // The row without identity starts on line 7: lines 3-4 and 5-6 each hold one quoted newline.
    expect(summary.rejections).toEqual([
      expect.objectContaining({
        line: 7,
        column: 'identity',
        reason: expect.stringContaining('no identity'),
      }),
    ])
    expect((await profile('q1')).system.Name).toBe('Doe, Jane')
    expect((await profile('q2')).system.Name).toBe('Line one\nline two "quoted"')
    // Values are trimmed: the newline at the end of "Rome\n" goes.
    expect((await profile('q3')).custom).toContainEqual({ key: 'City', type: 'string', value: 'Rome' })
  })

  it('rejects ragged rows with the count of values, and accepts trailing empty values', async () => {
    const path = h.file(
      'ragged.csv',
      'identity,Name,plan\nr1,Ann,gold\nr2,Bo\nr3,Cy,silver,extra\nr4,Di,gold,,\n',
    )
    const { summary } = await h.run('imports.validate', { file: h.grant(path) })
    expect(summary.counts).toMatchObject({ rows: 4, new: 2, rejected: 2 })
    expect(summary.rejections.map((r) => [r.line, r.reason])).toEqual([
      [3, 'Line 3 has 2 values but the header has 3 columns (a value or a delimiter is missing).'],
      [4, 'Line 4 has 4 values but the header has 3 columns (an unquoted delimiter inside a value?).'],
    ])
  })

  it('skips blank lines and says how many', async () => {
    const path = h.file('blank.csv', 'identity,Name\n\nb1,Ann\n   \n\nb2,Bo\n\n')
    const { summary } = await h.run('imports.start', { file: h.grant(path) })
    expect(summary.counts).toMatchObject({ rows: 2, new: 2, rejected: 0 })
    expect(summary.notices).toContain('4 blank lines were skipped.')
  })

  it('strips a UTF-8 byte-order mark, so the first header is still "identity"', async () => {
    const path = h.file(
      'bom.csv',
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('identity,Name\nbom1,Zoë\n')]),
    )
    const preview = await h.call('imports.preview', { file: h.grant(path) })
    expect(preview.file.encoding).toBe('utf-8 (BOM)')
    expect(preview.headers).toEqual(['identity', 'Name'])
    expect(preview.problems).toEqual([])
    await h.run('imports.start', { file: h.grant(path) })
    expect((await profile('bom1')).system.Name).toBe('Zoë')
  })

  it('reads CRLF line breaks without leaving carriage returns in values', async () => {
    const path = h.file('crlf.csv', 'identity,Name,plan\r\ncr1,Ann,"gold"\r\ncr2,"Bo\r\nB",silver\r\n')
    const preview = await h.call('imports.preview', { file: h.grant(path) })
    expect(preview.file.lineBreak).toBe('\r\n')
    await h.run('imports.start', { file: h.grant(path) })
    expect((await profile('cr1')).custom).toContainEqual({ key: 'plan', type: 'string', value: 'gold' })
    expect((await profile('cr2')).system.Name).toBe('Bo\r\nB')
  })

  it('detects semicolons and tabs as delimiters', async () => {
    const semi = h.file('semi.csv', 'identity;Name;score\ns1;"Ann; A.";1,5\ns2;Bo;2\n')
    const preview = await h.call('imports.preview', { file: h.grant(semi) })
    expect(preview.file.delimiter).toBe(';')
    expect(preview.rows[0]).toEqual(['s1', 'Ann; A.', '1,5'])
    const tabs = h.file('tabs.tsv', 'identity\tName\tEmail\nt1\tAnn Tab\tann.tab@example.com\n')
    expect((await h.call('imports.preview', { file: h.grant(tabs) })).file.delimiter).toBe('\t')
    await h.run('imports.start', { file: h.grant(tabs) })
    expect((await profile('t1')).system.Email).toBe('ann.tab@example.com')
  })
})

describe('encodings', () => {
  it('reads a Latin-1 (Windows-1252) file as such, with a notice naming the line', async () => {
    const latin1 = Buffer.concat([
      Buffer.from('identity,Name\nl1,Ann\n'),
      Buffer.from([0x6c, 0x32, 0x2c, 0x4a, 0x6f, 0x73, 0xe9, 0x20, 0x4d, 0xfc, 0x6c, 0x6c, 0x65, 0x72, 0x0a]), // l2,José Müller
    ])
    const path = h.file('latin1.csv', latin1)
    const preview = await h.call('imports.preview', { file: h.grant(path) })
    expect(preview.file.encoding).toBe('windows-1252')
    expect(preview.notices[0]).toMatch(
      /not UTF-8 \(the first byte that is not is on line 3\), so it was read as Windows-1252/,
    )
    const { summary } = await h.run('imports.start', { file: h.grant(path) })
    expect(summary.file.encoding).toBe('windows-1252')
    expect((await profile('l2')).system.Name).toBe('José Müller')
  })

  it('refuses a Latin-1 file when UTF-8 is required, naming the line', async () => {
    const path = h.file(
      'latin1-strict.csv',
      Buffer.concat([Buffer.from('identity,Name\nx1,Ann\nx2,Jos'), Buffer.from([0xe9, 0x0a])]),
    )
    const error = await h.fail('imports.preview', { file: h.grant(path), encoding: 'utf-8' })
    expect(error.code).toBe('validation')
    expect(error.message).toMatch(/^Line 3 is not valid UTF-8 \(byte 0xE9 at offset 27\)/)
  })

  it('refuses a file that mixes UTF-8 and Latin-1 instead of guessing', async () => {
    const rows = ['identity,Name', 'm1,Zoë'].join('\n') + '\n' + 'filler,x\n'.repeat(40_000)
    const path = h.file(
      'mixed.csv',
      Buffer.concat([Buffer.from(rows), Buffer.from('m2,Jos'), Buffer.from([0xe9, 0x0a])]),
    )
    // The head is plain UTF-8; the bad byte is found while reading: the run fails and says where.
    const before = h.count('profiles')
    const { event, summary } = await h.run('imports.start', { file: h.grant(path) })
    expect(event.status).toBe('failed')
    expect(event.error?.message).toMatch(
      /^Line 40003 is not valid UTF-8 .* earlier lines were: the file mixes encodings/,
    )
    expect(summary).toMatchObject({ status: 'failed', error: event.error?.message })
    expect(h.count('profiles')).toBe(before)
  })
})

describe('sizes and shapes', () => {
  it('reads a 2 MB value and rejects it as a property value that is too long', async () => {
    const big = 'x'.repeat(2 * 1024 * 1024)
    const path = h.file('big-field.csv', `identity,Name,notes\nbig1,Ann,"${big}"\nbig2,Bo,short\n`)
    const { summary } = await h.run('imports.start', { file: h.grant(path) })
    expect(summary.counts).toMatchObject({ rows: 2, new: 1, rejected: 1 })
    expect(summary.rejections[0]).toMatchObject({ line: 2, column: 'notes' })
    expect(summary.rejections[0]?.reason).toMatch(
      /^notes "x{20,}… is too long \(at most 512 bytes \(UTF-8\)\)\.$/,
    )
  })

  it('imports a file of 300 columns', async () => {
    const headers = ['identity', ...Array.from({ length: 299 }, (_, i) => `field_${i + 1}`)]
    const row = (id: string) => [id, ...Array.from({ length: 299 }, (_, i) => String(i))].join(',')
    const path = h.file('wide.csv', `${headers.join(',')}\n${row('w1')}\n${row('w2')}\n`)
    const preview = await h.call('imports.preview', { file: h.grant(path) })
    expect(preview.columns).toHaveLength(300)
    expect(preview.columns[5]?.proposal).toEqual({ kind: 'custom', key: 'field_5', type: 'number' })
    // 299 custom keys pass CleverTap's limit of 256 per profile: every row says so.
    const { summary } = await h.run('imports.validate', { file: h.grant(path) })
    expect(summary.counts).toMatchObject({ rows: 2, rejected: 2 })
    expect(summary.rejections[0]?.reason).toMatch(
      /Custom properties .* are too many \(at most 256 custom keys per profile\)/,
    )
  })

  it('proposes only the first of duplicate headers and refuses two columns on one property', async () => {
    const path = h.file('dup-headers.csv', 'identity,Email,Name,Email\nd1,a@example.com,Ann,b@example.com\n')
    const preview = await h.call('imports.preview', { file: h.grant(path) })
    expect(preview.columns[3]).toMatchObject({
      proposal: { kind: 'ignore' },
      note: expect.stringContaining('repeats column 2'),
    })
    expect(preview.notices).toContain('The header repeats "Email": only one column of each name is proposed.')
    const mapping = {
      kind: 'profiles' as const,
      columns: (preview.mapping.columns as ProfileColumnMapping[]).map((c) =>
        c.index === 3 ? { ...c, target: { kind: 'system' as const, key: 'Email' } } : c,
      ),
    }
    const error = await h.fail('imports.start', { file: h.grant(path), mapping })
    expect(error.message).toContain('Columns "Email" and "Email" are both mapped to Email; keep one.')
  })

  it('says a header-only file has nothing to import', async () => {
    const path = h.file('header-only.csv', 'identity,Name,Email\n')
    const preview = await h.call('imports.preview', { file: h.grant(path) })
    expect(preview.problems).toEqual([
      'header-only.csv has a header row but no data rows: there is nothing to import.',
    ])
    const error = await h.fail('imports.start', { file: h.grant(path) })
    expect(error).toMatchObject({
      code: 'validation',
      message: 'header-only.csv has a header row but no data rows: there is nothing to import.',
    })
  })

  it('refuses an empty file', async () => {
    const path = h.file('empty.csv', '')
    expect(await h.fail('imports.preview', { file: h.grant(path) })).toMatchObject({
      code: 'validation',
      message: 'empty.csv is empty (0 bytes): a CSV file needs a header row and data rows.',
    })
    const blank = h.file('blank-only.csv', '\n\n  \n')
    expect((await h.fail('imports.preview', { file: h.grant(blank) })).message).toMatch(
      /has no content \(only blank lines or spaces\)/,
    )
  })

  it('refuses a binary file renamed .csv, saying what it is', async () => {
    const png = h.file(
      'photo.csv',
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]),
    )
    expect(await h.fail('imports.start', { file: h.grant(png) })).toMatchObject({
      code: 'validation',
      message: 'photo.csv is not a CSV file: it is a PNG image.',
    })
    const random = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256))
    const binary = h.file('data.csv', random)
    expect((await h.fail('imports.preview', { file: h.grant(binary) })).message).toMatch(
      /^data\.csv is not a CSV file: it contains a NUL byte at offset \d+, which text files never do\.$/,
    )
    const xlsx = h.file('sheet.csv', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00]))
    expect((await h.fail('imports.preview', { file: h.grant(xlsx) })).message).toContain(
      'an Excel workbook (.xlsx); save it as CSV first',
    )
  })

  it('reports an unclosed quote on the line it starts', async () => {
    const path = h.file('unclosed.csv', 'identity,Name\nu1,Ann\nu2,"Bo\nu3,Cy\n')
    const { summary } = await h.run('imports.validate', { file: h.grant(path) })
    expect(summary.counts).toMatchObject({ rows: 2, new: 1, rejected: 1 })
    expect(summary.rejections[0]).toMatchObject({
      line: 3,
      reason: 'Line 3: a quoted value is never closed (a " is missing).',
    })
  })

  it('says so when a chosen file is no longer there', async () => {
    const path = h.file('gone.csv', 'identity\ng1\n')
    const file = h.grant(path)
    rmSync(path)
    expect(await h.fail('imports.preview', { file })).toEqual({
      code: 'not_found',
      message: 'gone.csv is not there any more: choose it again.',
    })
  })
})
