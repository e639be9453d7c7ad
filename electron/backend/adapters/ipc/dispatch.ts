// The boundary: validates a request against the contract, runs the handler, returns an envelope.
// A malformed request gets a `validation` error; a store busy past its timeout (another connection holds
// the write lock: a large import writes in one transaction) a `conflict`; anything unexpected `internal`.
import { AppError, type Envelope } from '../../../../shared/ipc/envelope'
import {
  contract,
  isChannel,
  type Channel,
  type ParsedRequestOf,
  type ResponseOf,
} from '../../../../shared/ipc/contract'
import { isStoreBusy, STORE_BUSY } from '../../core/index'
import type { Logger } from '../../core/platform/index'

export type Handler<C extends Channel> = (req: ParsedRequestOf<C>) => ResponseOf<C> | Promise<ResponseOf<C>>
export type Handlers = { [C in Channel]: Handler<C> }
/** The handlers of the channels whose names start with `prefix` (e.g. 'profiles.'). */
export type HandlersOf<C extends Channel> = { [K in C]: Handler<K> }

export function createDispatch(handlers: Handlers, logger: Logger) {
  return async function dispatch(channel: string, request: unknown): Promise<Envelope<unknown>> {
    if (typeof channel !== 'string' || !isChannel(channel)) {
      return { ok: false, error: { code: 'validation', message: `Unknown channel "${String(channel)}".` } }
    }
    const parsed = contract[channel].req.safeParse(request ?? {})
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }))
      const first = issues[0]
      return {
        ok: false,
        error: {
          code: 'validation',
          // Shared rules word their messages as sentences; the reply adds its own full stop.
          message: `Invalid request for ${channel}: ${first ? `${first.path || '(request)'}: ${first.message.replace(/\.$/, '')}` : 'malformed'}.`,
          details: { issues },
        },
      }
    }
    try {
      const handler = handlers[channel] as (req: unknown) => unknown
      const value = await handler(parsed.data)
      return { ok: true, value }
    } catch (error) {
      if (error instanceof AppError) return { ok: false, error: error.toShape() }
      if (isStoreBusy(error)) {
        return {
          ok: false,
          error: {
            code: 'conflict',
            message: `${STORE_BUSY} Nothing was changed: try again in a moment.`,
          },
        }
      }
      logger.error(`handler ${channel} failed`, error)
      return {
        ok: false,
        error: {
          code: 'internal',
          message: `Something went wrong in ${channel}: ${(error as Error)?.message ?? error}`,
        },
      }
    }
  }
}
