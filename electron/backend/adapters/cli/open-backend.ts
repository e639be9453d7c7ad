// The one way a command gets a backend: on the chosen data folder (--data-dir, else the environment, else
// the app's folder), logging to stderr. One-shot commands run no background sync and no SFTP scheduler
// beside their own work (it would act while the command works, then be cut off); `serve` asks for the
// scheduler.
import { resolveDataDir } from '../data-dir'
import { createBackend, type Backend, type BackendPorts } from '../ipc/create-backend'
import { cliLogger, type CliIo } from './io'

export function openBackend(
  dataDirFlag: string | undefined,
  io: CliIo,
  extra: Partial<BackendPorts> = {},
): Backend {
  const dataDir = resolveDataDir({ flag: dataDirFlag, env: io.env })
  return createBackend({ dataDir, host: 'web', logger: cliLogger(io), ...extra })
}

/** A one-shot backend for `work`, closed when it ends. */
export async function withBackend<T>(
  dataDirFlag: string | undefined,
  io: CliIo,
  work: (b: Backend) => Promise<T>,
  extra: Partial<BackendPorts> = {},
): Promise<T> {
  const backend = openBackend(dataDirFlag, io, {
    sync: { autoSync: false },
    sftp: { scheduler: false },
    backup: { scheduler: false },
    ...extra,
  })
  try {
    return await work(backend)
  } finally {
    await backend.close()
  }
}
