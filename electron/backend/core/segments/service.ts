// The segments service: live counts, member pages, saved segments, the CSV export job and Find People's
// saved-segment filter. Counting runs in the engine (queries.ts: a worker thread in the app); saved
// segments and member rows are read on the backend's own connection.
import { readFileSync, statSync } from 'node:fs'
import { basename, join } from 'node:path'
import { AppError } from '../../../../shared/ipc/envelope'
import type { ProfileFilters, SearchResult, SortField } from '../../../../shared/profile/search'
import type { CustomPropertyType } from '../../../../shared/profile/types'
import type { Condition, PropertyRef, SegmentDefinition } from '../../../../shared/segments/definition'
import { SEGMENT_DEFINITION_VERSION } from '../../../../shared/segments/definition'
import type {
  SegmentCountReply,
  SegmentEngineStatus,
  SegmentExportFile,
  SegmentExportSummary,
  SegmentMemberRow,
  SegmentMembersPage,
  SegmentSource,
  SegmentVocabulary,
} from '../../../../shared/segments/types'
import { definitionProblems, describeProblems } from '../../../../shared/segments/validate'
import type { BackendContext } from '../context'
import { ensurePrivateDir } from '../platform/private-files'
import { loadCustomTypes } from '../profiles/properties'
import { SUMMARY_COLUMNS, toSummary, type SummaryRow } from '../profiles/profile-rows'
import { planColumns } from './column-values'
import { writeMembersCsv } from './export'
import { createQueries, type SegmentQueries } from './queries'
import { getSegment } from './saved'

export const EXPORTS_FOLDER = 'exports'

export interface SegmentServiceOptions {
  /** 'inline' counts on this thread (the command line: one question, no worker to start). */
  threading?: 'auto' | 'inline'
  /**
   * Start the count worker when the backend opens and have it load the columns the common shapes read
   * (the app and `serve`: a person will ask soon; one-shot commands and tests leave it off).
   */
  warmUp?: boolean
}

export class SegmentService {
  readonly queries: SegmentQueries

  constructor(
    private readonly ctx: BackendContext,
    options: SegmentServiceOptions = {},
  ) {
    this.queries = createQueries(
      ctx.db.name,
      ctx.logger,
      options.threading ?? 'auto',
      options.warmUp ?? false,
    )
    const off = ctx.events.on('profiles.changed', (change) =>
      this.queries.changed(change.ids, change.all === true),
    )
    ctx.onClose(async () => {
      off()
      await this.queries.close()
    })
  }

  private customTypes(): Map<string, CustomPropertyType> {
    return loadCustomTypes(this.ctx.db)
  }

  /** The definition a source names; a saved segment's is read from the store. */
  definitionOf(source: SegmentSource): SegmentDefinition {
    return 'segmentId' in source ? getSegment(this.ctx.db, source.segmentId).definition : source.definition
  }

  /** Refuses a definition with unknown properties or misfitting operators, naming them. */
  checkDefinition(definition: SegmentDefinition): void {
    const problems = definitionProblems(definition, this.customTypes())
    if (problems.length > 0)
      throw new AppError('validation', `The segment has problems: ${describeProblems(problems)}.`, {
        problems,
      })
  }

  vocabulary(): SegmentVocabulary {
    const custom = [...this.customTypes()]
      .map(([key, type]) => ({ key, type }))
      .sort((a, b) => a.key.localeCompare(b.key))
    const events = this.ctx.db
      .prepare('SELECT name, count(*) AS profiles FROM event_summaries GROUP BY name ORDER BY name')
      .all() as { name: string; profiles: number }[]
    return { custom, events }
  }

  /** Whether counts are warming up (columns still loading, so a count may go by SQL) or ready. */
  engineStatus(): Promise<SegmentEngineStatus> {
    return this.queries.status()
  }

  async count(req: {
    seq: number
    client?: string
    definition: SegmentDefinition
    perItem: boolean
  }): Promise<SegmentCountReply> {
    const started = performance.now()
    const asker = { client: req.client ?? '', seq: req.seq }
    const result = await this.queries.count(asker, req.definition, req.perItem, this.ctx.clock())
    if (result === 'superseded') return { seq: req.seq, status: 'superseded' }
    return {
      seq: req.seq,
      status: 'counted',
      ...result,
      tookMs: Math.round((performance.now() - started) * 10) / 10,
    }
  }

  async members(req: {
    source: SegmentSource
    sort: SortField
    direction: 'asc' | 'desc'
    columns: PropertyRef[]
    offset: number
    limit: number
  }): Promise<SegmentMembersPage> {
    const definition = this.definitionOf(req.source)
    const plan = planColumns(req.columns, this.customTypes())
    const page = await this.queries.memberPage([definition], this.ctx.clock(), req)
    return {
      items: this.rows(page.ids, req.columns, plan),
      total: page.total,
      columns: req.columns,
      sort: req.sort,
    }
  }

  private rows(
    ids: number[],
    columns: PropertyRef[],
    plan = planColumns(columns, this.customTypes()),
  ): SegmentMemberRow[] {
    if (ids.length === 0) return []
    const extra = plan.selects.length > 0 ? `, ${plan.selects.join(', ')}` : ''
    const statement = this.ctx.db.prepare(
      `SELECT ${SUMMARY_COLUMNS}${extra} FROM profiles WHERE id IN (SELECT value FROM json_each(?))`,
    )
    const width = SUMMARY_COLUMNS.split(',').length
    const raw = statement.raw().all(...plan.params, JSON.stringify(ids)) as unknown[][]
    const names = statement.columns().map((c) => c.name)
    const nowMs = this.ctx.clock()
    const byId = new Map(
      raw.map((row) => {
        const summary = Object.fromEntries(
          names.slice(0, width).map((name, i) => [name, row[i]]),
        ) as unknown as SummaryRow
        return [summary.id, { ...toSummary(summary), values: plan.values(row, width, nowMs) }] as const
      }),
    )
    return ids.flatMap((id) => byId.get(id) ?? [])
  }

  /**
   * Find People's question as segment definitions (all must hold): the saved segment of
   * `filters.segmentId` if any, the type/test filters, and the search text (Name, Email or Identity
   * contains it, or the Phone holds its digits). The reachability filter is not a segment condition: a
   * caller that needs it filters the members by SQL (bulk edit's selection does).
   */
  searchDefinitions(query: string, filters: ProfileFilters): SegmentDefinition[] {
    const { segmentId, type, test } = filters
    const narrow: Condition[] = []
    if (type !== undefined)
      narrow.push({ type: 'property', property: { kind: 'type' }, op: 'eq', value: type })
    if (test !== undefined)
      narrow.push({ type: 'property', property: { kind: 'test' }, op: 'eq', value: test })
    const definitions: SegmentDefinition[] = [
      { version: SEGMENT_DEFINITION_VERSION, join: 'and', conditions: narrow },
    ]
    if (segmentId !== undefined) definitions.unshift(getSegment(this.ctx.db, segmentId).definition)
    const text = query.trim()
    if (text !== '') {
      const digits = text.replace(/\D+/g, '')
      const keys = ['Name', 'Email', 'Identity'].map((key): Condition => ({
        type: 'property',
        property: { kind: 'system', key },
        op: 'contains',
        value: text,
      }))
      if (digits.length > 0 && /^\+?[\d\s().-]+$/.test(text))
        keys.push({
          type: 'property',
          property: { kind: 'system', key: 'Phone' },
          op: 'contains',
          value: digits,
        })
      definitions.push({ version: SEGMENT_DEFINITION_VERSION, join: 'or', conditions: keys })
    }
    return definitions
  }

  /**
   * Find People with a saved segment as a filter: the segment's members that also match the search text
   * (Name, Email or Identity contains it, or the Phone holds its digits) and the type/test filters, in
   * name order. The total is exact.
   */
  async searchWithin(
    req: { query: string; filters: ProfileFilters; offset: number; limit: number },
    sort: SortField = 'name',
    direction: 'asc' | 'desc' = 'asc',
  ): Promise<SearchResult> {
    const definitions = this.searchDefinitions(req.query, req.filters)
    const page = await this.queries.memberPage(definitions, this.ctx.clock(), {
      sort,
      direction,
      offset: req.offset,
      limit: req.limit,
    })
    const items = this.rows(page.ids, []).map(({ values: _values, ...summary }) => summary)
    return { items, total: page.total, totalIsCapped: false }
  }

  /** The export job: members to a CSV in the data folder's exports/ (or `path`, from the command line). */
  startExport(
    req: { source: SegmentSource; columns: PropertyRef[] },
    path?: string,
  ): { jobId: string; done: Promise<void> } {
    const definition = this.definitionOf(req.source)
    this.checkDefinition(definition)
    const plan = planColumns(req.columns, this.customTypes())
    const name = 'segmentId' in req.source ? getSegment(this.ctx.db, req.source.segmentId).name : 'segment'
    const stamp = new Date(this.ctx.clock()).toISOString().replace(/[:.]/g, '-')
    const fileName = `${name.replace(/[^\w.() -]+/g, '_').slice(0, 80) || 'segment'} ${stamp}.csv`
    const target = path ?? join(this.ctx.dataDir, EXPORTS_FOLDER, fileName)
    if (!path) ensurePrivateDir(join(this.ctx.dataDir, EXPORTS_FOLDER))
    return this.ctx.jobs.start('segments.export', async (control): Promise<SegmentExportSummary> => {
      const started = performance.now()
      const nowMs = this.ctx.clock()
      control.progress('selecting', 0, null)
      const ids = await this.queries.memberIds([definition], nowMs)
      const written = await writeMembersCsv(this.ctx.db, {
        ids,
        columns: req.columns,
        plan,
        path: target,
        nowMs,
        signal: control.signal,
        progress: (done, total) => control.progress('writing', done, total),
      })
      return {
        ...written,
        fileName: path ? (target.split(/[\\/]/).pop() ?? target) : fileName,
        path: target,
        columns: plan.headers,
        seconds: Math.round(performance.now() - started) / 1000,
        cancelled: false,
      }
    })
  }

  /** A finished export's text, by its file name in exports/ (the page downloads it). */
  exportFile(fileName: string): SegmentExportFile {
    const path = join(this.ctx.dataDir, EXPORTS_FOLDER, basename(fileName))
    let bytes: number
    try {
      bytes = statSync(path).size
    } catch {
      throw new AppError('not_found', `No export called "${fileName}"; export the segment again.`)
    }
    return { fileName: basename(path), bytes, content: readFileSync(path, 'utf8') }
  }
}
