// Handlers of the devices channels (shared/ipc/channels/devices.ts): each a call into core/devices.
import type { deviceChannels } from '../../../../../shared/ipc/channels/devices'
import { AppError } from '../../../../../shared/ipc/envelope'
import type { Services } from '../../../core/index'
import {
  listDuplicates,
  overviewNumbers,
  reachabilityOf,
  removeToken,
  resolveDuplicates,
  setToken,
} from '../../../core/devices/index'
import type { Handler } from '../dispatch'

export type DeviceHandlers = { [C in keyof typeof deviceChannels]: Handler<C> }

export function createDeviceHandlers({ context: ctx }: Services): DeviceHandlers {
  return {
    'devices.reachability': (req) => reachabilityOf(ctx.db, req.id),
    'devices.setToken': (req) => setToken(ctx, req),
    'devices.removeToken': (req) => removeToken(ctx, req.profileId, req.deviceId),
    'duplicates.list': (req) => listDuplicates(ctx.db, req),
    'duplicates.resolve': (req) => resolveDuplicates(ctx, req),
    'overview.get': (req) => {
      if (req.segment !== undefined) {
        // Saved segments come with the segments feature (issue 12); until then the filters describe a part.
        throw new AppError('not_found', `No saved segment "${req.segment}": segments are not available yet.`)
      }
      return overviewNumbers(ctx.db, req.filters, ctx.clock())
    },
  }
}
