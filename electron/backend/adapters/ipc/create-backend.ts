// createBackend(ports) -> { dispatch, call, on, close }: the whole app minus its window, as every host
// uses it: the services the composition root builds (core/services.ts), the boundary that validates each
// channel call (dispatch.ts) and the event bus. It never imports Electron, so the same code runs in
// Electron's utility process, in the web host and in tests.
import type { CreatedBackup } from '../../../../shared/backup/types'
import { AppError, type Envelope } from '../../../../shared/ipc/envelope'
import type { Channel, RequestOf, ResponseOf } from '../../../../shared/ipc/contract'
import type { ImportRunMode } from '../../../../shared/ipc/channels/imports'
import type { ChosenFile, GrantSource } from '../../../../shared/ipc/file-handle'
import type { EventMap, EventName } from '../../../../shared/ipc/events'
import { createServices, type BackendContext, type ServicePorts, type Services } from '../../core/index'
import { EventBus } from '../../core/platform/index'
import type { RunRequest } from '../../core/imports/index'
import type { PropertyRef } from '../../../../shared/segments/definition'
import type { SegmentSource } from '../../../../shared/segments/types'

import { createDispatch } from './dispatch'
import { createHandlers } from './handlers/index'

export interface SegmentExportRequest {
  source: SegmentSource
  columns: PropertyRef[]
}

/** What a host gives the backend (core/services.ts ServicePorts). */
export type BackendPorts = ServicePorts

export interface Backend {
  /** The boundary every host uses: untrusted channel name and request in, envelope out. */
  dispatch(channel: string, request: unknown): Promise<Envelope<unknown>>
  /** Typed convenience for trusted callers (CLI, tests): returns the value or throws AppError. */
  call<C extends Channel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>>
  /**
   * Trusted callers only: registers a file the person chose (Electron's main process after its native
   * dialog) and returns the handle the page then uses. Never reachable through `dispatch`.
   */
  grantFile(path: string, source: GrantSource): ChosenFile
  /** Trusted callers only (the CLI, benchmarks): a dry run or an import of a file by path, as a job. */
  startImport(request: RunRequest, mode: ImportRunMode): Promise<{ jobId: string; runId: number }>
  /** Trusted callers only (the CLI, benchmarks): a segment's members exported to CSV at `path`, as a job. */
  startSegmentExport(request: SegmentExportRequest, path: string): { jobId: string }
  /** Trusted callers only (the web host's download): the path of a backup in the backups folder by name. */
  backupFile(name: string): string | null
  /** Trusted callers only (the CLI): a backup now, into the backups folder or to `out` (a path). */
  backup(out?: string): CreatedBackup
  on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void): () => void
  onAny(listener: (event: EventName, payload: unknown) => void): () => void
  readonly context: BackendContext
  close(): Promise<void>
}

export function createBackend(ports: BackendPorts): Backend {
  // One bus for the backend's life: hosts' listeners stay on it when a restore rebuilds the services.
  const events = ports.events ?? new EventBus()
  const build = (): { services: Services; dispatch: Backend['dispatch'] } => {
    const built = createServices({ ...ports, events, reopen })
    return { services: built, dispatch: createDispatch(createHandlers(built), built.context.logger) }
  }
  // After a restore swapped the database, the services and their handlers are built again on it.
  const reopen = (): void => {
    current = build()
  }
  let current = build()
  const backend: Backend = {
    dispatch: (channel, request) => current.dispatch(channel, request),
    async call(channel, request) {
      const reply = await current.dispatch(channel, request)
      if (!reply.ok) throw new AppError(reply.error.code, reply.error.message, reply.error.details)
      return reply.value as ResponseOf<typeof channel>
    },
    grantFile: (path, source) => current.services.files.grants.grant(path, source),
    startImport: (request, mode) => current.services.imports.start(request, mode),
    startSegmentExport: (request, path) => ({
      jobId: current.services.segments.startExport(request, path).jobId,
    }),
    backupFile: (name) => current.services.backup.fileOf(name),
    backup: (out) => current.services.backup.create(out),
    on: (event, listener) => events.on(event, listener),
    onAny: (listener) => events.onAny(listener),
    get context() {
      return current.services.context
    },
    close: () => current.services.close(),
  }
  return backend
}
