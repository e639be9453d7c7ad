// Handlers of the SFTP channels (shared/ipc/channels/sftp.ts): each a call into the SFTP service. A run is
// a job of kind `sftp.run`; its rejected rows are read per file through imports.errors with the file's
// importRunId.
import type { sftpChannels } from '../../../../../shared/ipc/channels/sftp'
import type { Services } from '../../../core/index'
import type { Handler } from '../dispatch'

export type SftpHandlers = { [C in keyof typeof sftpChannels]: Handler<C> }

export function createSftpHandlers({ sftp }: Services): SftpHandlers {
  return {
    'sftp.sources.list': () => sftp.list(),
    'sftp.sources.get': (req) => sftp.get(req.id),
    'sftp.sources.save': (req) => sftp.save(req.id, req.source, req.secrets),
    'sftp.sources.delete': async (req) => ({ deleted: await sftp.remove(req.id) }),
    'sftp.sources.test': (req) => sftp.test(req),
    'sftp.sources.run': (req) => sftp.run(req.id, 'manual'),
    'sftp.runs.list': (req) => sftp.listRuns(req),
    'sftp.runs.get': (req) => sftp.getRun(req.runId),
  }
}
