// Handlers of the SFTP channels (shared/ipc/channels/sftp.ts), spread into ../../handlers.ts. A run is a job
// of kind `sftp.run`; its rejected rows are read per file through imports.errors with the file's importRunId.
import type { sftpChannels } from '../../../../../shared/ipc/channels/sftp'
import type { Handler } from '../dispatch'
import type { SftpService } from '../../../core/sftp/service'

export type SftpHandlers = { [C in keyof typeof sftpChannels]: Handler<C> }

export function createSftpHandlers(service: SftpService): SftpHandlers {
  return {
    'sftp.sources.list': () => service.list(),
    'sftp.sources.get': (req) => service.get(req.id),
    'sftp.sources.save': (req) => service.save(req.id, req.source, req.secrets),
    'sftp.sources.delete': async (req) => ({ deleted: await service.remove(req.id) }),
    'sftp.sources.test': (req) => service.test(req),
    'sftp.sources.run': (req) => service.run(req.id, 'manual'),
    'sftp.runs.list': (req) => service.listRuns(req),
    'sftp.runs.get': (req) => service.getRun(req.runId),
  }
}
