// Handlers of the devices channels (shared/ipc/channels/devices.ts): each a call into core/devices.
import type { deviceChannels } from '../../../../../shared/ipc/channels/devices'
import type { Services } from '../../../core/index'
import {
  listDuplicates,
  overviewNumbers,
  reachabilityOf,
  removeToken,
  resolveDuplicates,
  setToken,
  segmentOverview,
} from '../../../core/devices/index'
import type { Handler } from '../dispatch'

export type DeviceHandlers = { [C in keyof typeof deviceChannels]: Handler<C> }

export function createDeviceHandlers({ context: ctx, segments }: Services): DeviceHandlers {
  return {
    'devices.reachability': (req) => reachabilityOf(ctx.db, req.id),
    'devices.setToken': (req) => setToken(ctx, req),
    'devices.removeToken': (req) => removeToken(ctx, req.profileId, req.deviceId),
    'duplicates.list': (req) => listDuplicates(ctx.db, req),
    'duplicates.resolve': (req) => resolveDuplicates(ctx, req),
    'overview.get': (req) =>
      req.segment === undefined
        ? overviewNumbers(ctx.db, req.filters, ctx.clock())
        : segmentOverview(ctx, segments, req.segment, req.filters, ctx.clock()),
  }
}
