// Counts and masks by SQL while the snapshot is (re)loading, so a count never waits for a reload: one
// statement over profiles per question, each property test the engine's own (evaluate.ts planProperty,
// run per row through SQL functions) and each behaviour an events GROUP BY per event name. A statement
// stops part-way when a newer count is asked (a SQL function throws Superseded every 1,024 rows).
import { ageFromPacked, todayPacked } from '../../../../shared/profile/identity'
import { foldText } from '../../../../shared/profile/search-keys'
import type {
  BehaviourCondition,
  Condition,
  DefinitionItem,
  SegmentDefinition,
} from '../../../../shared/segments/definition'
import type { ItemCount } from '../../../../shared/segments/types'
import type { Db } from '../db/connection'
import { jsonPath } from './column-sources'
import { lastDaysStart, dayRange } from './dates'
import {
  eventValueTest,
  inRange,
  planProperty,
  remembered,
  type EvalContext,
  type PropertyPlan,
} from './evaluate'
import { alignedSize } from './masks'
import { listItems, packedBirth } from './snapshot'
import { Superseded } from './superseded'
import { keyedSql, keyedText } from './text-keys'

type RowTest = (...values: unknown[]) => boolean

/** One row's test of a property plan, over the values its source's `expr` gives (as the snapshot reads them). */
export function rowTest(plan: PropertyPlan, nowMs: number): RowTest {
  const { text, range } = plan
  let test: RowTest
  switch (plan.source.kind) {
    case 'text':
      test = (v) => typeof v === 'string' && v !== '' && (text === null || text(foldText(v)))
      break
    case 'multi':
      test = (v) => {
        const items = listItems(v)
        if (items === undefined) return false
        return text === null || items.some((item) => text(foldText(item)))
      }
      break
    case 'age': {
      const todays = new Map<string, number>()
      const utcToday = todayPacked(nowMs, 'UTC')
      test = (dob, birthday, age, tz) => {
        const b = packedBirth(dob, birthday)
        let today = utcToday
        if (typeof tz === 'string' && tz !== '') {
          today = todays.get(tz) ?? todayPacked(nowMs, tz)
          todays.set(tz, today)
        }
        return inRange(range, b !== 0 ? ageFromPacked(b, today) : typeof age === 'number' ? age : NaN)
      }
      break
    }
    default:
      test = (v) => inRange(range, typeof v === 'number' ? v : NaN)
  }
  return plan.negated ? (...values) => !test(...values) : test
}

/** A definition compiled to SQL: a 0/1 expression per item (and per group condition) and its parameters. */
class Compiler {
  readonly params: unknown[] = []
  constructor(
    private readonly ctx: EvalContext,
    private readonly tests: RowTest[],
  ) {}

  condition(c: Condition): string {
    return c.type === 'behaviour' ? this.behaviour(c) : this.property(c)
  }

  private property(c: Extract<Condition, { type: 'property' }>): string {
    const keyed = keyedText(c)
    if (keyed) {
      const { sql, params } = keyedSql(keyed)
      this.params.push(...params)
      return sql
    }
    const plan = planProperty(c, this.ctx)
    this.tests.push(rowTest(plan, this.ctx.nowMs))
    this.params.push(...plan.source.params)
    return `seg_test(${this.tests.length - 1}, ${plan.source.expr})`
  }

  private behaviour(c: BehaviourCondition): string {
    const { op, n } = c.count ?? { op: 'gte', n: 1 }
    // "At least 0 times" holds for everyone, whether or not they did it.
    if (op === 'gte' && n <= 0) return c.did ? '1' : '0'
    const where: string[] = ['name = ?']
    this.params.push(c.event)
    const window = c.window
    if (window !== undefined) {
      const [lo, hi] =
        window.kind === 'lastDays'
          ? [lastDaysStart(window.days, this.ctx.nowMs, this.ctx.zone), Infinity]
          : [dayRange(window.from, this.ctx.zone)[0], dayRange(window.to, this.ctx.zone)[1]]
      where.push('ts >= ?')
      this.params.push(lo)
      if (hi !== Infinity) {
        where.push('ts < ?')
        this.params.push(hi)
      }
    }
    if (c.where) {
      this.tests.push(remembered(eventValueTest(c.where)))
      where.push(`seg_test(${this.tests.length - 1}, json_extract(props, ?))`)
      this.params.push(jsonPath(c.where.key))
    }
    // At most n: not among those who did it more than n times.
    const [inOp, having] = op === 'gte' ? ['IN', `>= ${n}`] : ['NOT IN', `> ${n}`]
    const did = `(profiles.id ${inOp} (SELECT profile_id FROM events WHERE ${where.join(' AND ')} GROUP BY profile_id HAVING count(*) ${having}))`
    return c.did ? did : `(NOT ${did})`
  }

  joined(parts: string[], join: 'and' | 'or'): string {
    if (parts.length === 0) return join === 'and' ? '1' : '0'
    return `(${parts.join(join === 'and' ? ' AND ' : ' OR ')})`
  }

  item(item: DefinitionItem): string {
    if (item.type !== 'group') return this.condition(item)
    return this.joined(
      item.conditions.map((c) => this.condition(c)),
      item.join,
    )
  }
}

/**
 * Every connection the fallback runs on gets its SQL functions, dispatching to this run's tests:
 * seg_test(k, ...values) and seg_live(), which throws Superseded once the run's question is stale.
 */
const registered = new WeakMap<Db, { tests: RowTest[]; stale: () => boolean }>()

/** Where each statement asks whether to go on: on one row of every 1,024 ids (cheap; see seg_live). */
const LIVE = '((profiles.id & 1023) != 1 OR seg_live())'

export function testsOf(db: Db, stale: () => boolean = () => false): RowTest[] {
  let slot = registered.get(db)
  if (!slot) {
    const made = { tests: [] as RowTest[], stale }
    db.function('seg_test', { varargs: true, deterministic: false }, (k: unknown, ...values: unknown[]) =>
      made.tests[k as number]!(...values) ? 1 : 0,
    )
    db.function('seg_live', { deterministic: false }, () => {
      if (made.stale()) throw new Superseded()
      return 1
    })
    registered.set(db, made)
    slot = made
  }
  slot.stale = stale
  slot.tests.length = 0
  return slot.tests
}

/**
 * The mask of every definition ANDed (existing profiles only), and per top-level item of the first
 * definition its own count when asked: two statements over profiles, no snapshot.
 */
export function evaluateBySql(
  db: Db,
  definitions: readonly SegmentDefinition[],
  ctx: EvalContext,
  perItem: boolean,
  stale?: () => boolean,
): { mask: Uint8Array; items?: ItemCount[] } {
  const compiler = new Compiler(ctx, testsOf(db, stale))
  // A definition without conditions keeps everyone, whatever its join.
  const wholes = definitions
    .filter((d) => d.conditions.length > 0)
    .map((d) =>
      compiler.joined(
        d.conditions.map((item) => compiler.item(item)),
        d.join,
      ),
    )
  const maxId = (db.prepare('SELECT max(id) FROM profiles').pluck().get() as number | null) ?? 0
  const mask = new Uint8Array(alignedSize(maxId + 1))
  const select = db.prepare(`SELECT id FROM profiles WHERE ${[LIVE, ...wholes].join(' AND ')}`).pluck()
  for (const id of select.iterate(...compiler.params) as Iterable<number>) mask[id] = 1
  if (!perItem) return { mask }
  // The items' own counts (and each group condition's), summed in one pass; a group's conditions are
  // compiled again on their own, so each expression's parameters follow it in order.
  const itemCompiler = new Compiler(ctx, testsOf(db, stale))
  const definition = definitions[0]
  const shapes: { conditions: number }[] = []
  const sums: string[] = []
  for (const item of definition?.conditions ?? []) {
    sums.push(itemCompiler.item(item))
    const own = item.type === 'group' ? item.conditions.map((c) => itemCompiler.condition(c)) : []
    shapes.push({ conditions: own.length })
    sums.push(...own)
  }
  if (sums.length === 0) return { mask, items: [] }
  const row = db
    .prepare(`SELECT ${sums.map((s) => `coalesce(sum(${s}), 0)`).join(', ')} FROM profiles WHERE ${LIVE}`)
    .raw()
    .get(...itemCompiler.params) as number[]
  let at = 0
  const items = (definition?.conditions ?? []).map((item, i) => {
    const count = row[at++] as number
    const own = shapes[i]!.conditions
    const conditions = row.slice(at, at + own)
    at += own
    return item.type === 'group' ? { count, conditions } : { count }
  })
  return { mask, items }
}
