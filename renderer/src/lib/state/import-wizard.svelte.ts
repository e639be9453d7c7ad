// The import wizard's state, kept across navigation so an import can run while people look elsewhere:
// choose a file (native dialog in Electron, upload from a browser) → preview → mapping (proposed, saved,
// edited) → check every row (dry run) → import the valid rows → result. Each step's errors stay with it.
import type {
  ImportEncoding,
  ImportKind,
  ImportPreview,
  ImportSummary,
  SavedMapping,
} from '$shared/imports/types'
import type { RequestOf } from '$shared/ipc/contract'
import type { ChosenFile } from '$shared/ipc/file-handle'
import { importModeOf, type ImportJobKind } from '$shared/jobs/job-kinds'
import { api, ApiError, toApiError } from '../api/client'
import { displayFileName } from '../import/import-text'
import { uploadFile, type UploadProgress } from '../import/upload-file'
import { MappingDraft } from './import-mapping.svelte'
import { ImportRun } from './import-run.svelte'
import type { TrackedJob } from './jobs.svelte'
import { session } from './session.svelte'

export type WizardStep = 'choose' | 'preview' | 'mapping' | 'check' | 'import' | 'result'

export const WIZARD_STEPS: ReadonlyArray<{ step: WizardStep; label: string }> = [
  { step: 'choose', label: 'Choose a file' },
  { step: 'preview', label: 'Preview' },
  { step: 'mapping', label: 'Map columns' },
  { step: 'check', label: 'Check rows' },
  { step: 'import', label: 'Import' },
  { step: 'result', label: 'Result' },
]

export const PREVIEW_ROWS = 20

export const CSV_FILTERS = [
  { name: 'CSV files', extensions: ['csv', 'txt', 'tsv'] },
  { name: 'All files', extensions: ['*'] },
]

export interface WizardFile {
  /** The name the person chose (a browser upload is stored under another name). */
  name: string
  bytes: number | null
  /** What the import channels take: the handle from the dialog or the upload; null for a run this page did not start. */
  handle: string | null
  /**
   * An upload not handed to an import yet: this page deletes it when the person walks away (once imported,
   * the backend deletes it when the import ends).
   */
  ownsUpload: boolean
}

type RunRequest = RequestOf<'imports.start'>

function encodingOf(facts: string): ImportEncoding {
  return facts.startsWith('windows-1252') ? 'windows-1252' : 'auto'
}

export class ImportWizard {
  step = $state<WizardStep>('choose')
  kind = $state<ImportKind>('profiles')
  encoding = $state<ImportEncoding>('auto')
  file = $state<WizardFile | null>(null)
  upload = $state<UploadProgress | null>(null)
  /** What is being read right now ("Reading the file…"), for a status line. */
  loading = $state<string | null>(null)
  /** Why the file could not be used (choose and preview steps). */
  fileError = $state<ApiError | null>(null)
  preview = $state.raw<ImportPreview | null>(null)
  mapping = $state<MappingDraft | null>(null)
  saved = $state.raw<SavedMapping[]>([])
  savedError = $state<ApiError | null>(null)
  /** A one-line confirmation in the mapping step ("Mapping “CRM export” saved."). */
  mappingNotice = $state<string | null>(null)
  /** Set when Electron's dialog says it is not available: the file input is offered instead. */
  nativeDialogUnavailable = $state(false)
  dryRun = $state(new ImportRun('dry-run'))
  run = $state(new ImportRun('import'))
  /** Said on the first step after the person walked away from a checked file. */
  outcome = $state<string | null>(null)

  #uploadAbort: AbortController | null = null
  /** The request the dry run checked: the import runs exactly that. */
  #checked: RunRequest | null = null

  useNativeDialog = $derived(session.host === 'electron' && !this.nativeDialogUnavailable)
  busy = $derived(this.loading !== null || this.upload !== null)

  /** Electron: the native dialog (main hands back a handle, never the path), then the preview. */
  async chooseWithDialog(): Promise<void> {
    if (this.busy) return
    this.fileError = null
    this.outcome = null
    try {
      const reply = await api.call('dialog.openFile', {
        title: 'Choose a CSV file to import',
        filters: CSV_FILTERS,
      })
      if (!reply.available) {
        this.nativeDialogUnavailable = true
        return
      }
      if (reply.file === null) return
      const { name, bytes, handle } = reply.file
      await this.#open({ name, bytes, handle, ownsUpload: false })
    } catch (error) {
      this.fileError = toApiError(error)
    }
  }

  /**
   * A file given to the app (dropped on the window or the icon, "Open with"): Electron's main process
   * granted it and sent its handle; the wizard starts over with it unless an import is running.
   */
  async openGiven(file: ChosenFile): Promise<boolean> {
    if (this.busy || this.run.active || this.dryRun.active) return false
    this.reset()
    await this.#open({ name: file.name, bytes: file.bytes, handle: file.handle, ownsUpload: false })
    return true
  }

  /** A browser: upload the chosen file in chunks, then preview the copy. */
  async chooseFile(file: File): Promise<void> {
    if (this.busy) return
    this.fileError = null
    this.outcome = null
    const abort = new AbortController()
    this.#uploadAbort = abort
    this.upload = { sent: 0, total: file.size }
    let handle: string
    try {
      handle = (await uploadFile(file, (progress) => (this.upload = progress), abort.signal)).handle
    } catch (error) {
      const failure = toApiError(error)
      if (failure.code !== 'cancelled') this.fileError = failure
      return
    } finally {
      this.upload = null
      this.#uploadAbort = null
    }
    await this.#open({ name: file.name, bytes: file.size, handle, ownsUpload: true })
  }

  cancelUpload(): void {
    this.#uploadAbort?.abort()
  }

  setKind(kind: ImportKind): void {
    if (kind === this.kind) return
    this.kind = kind
    // A file already read is read again: the proposal differs between profile and event files.
    if (this.file) void this.loadPreview('auto')
    void this.loadSavedMappings()
  }

  setEncoding(encoding: ImportEncoding): void {
    if (encoding === this.encoding) return
    this.encoding = encoding
    if (this.file)
      void this.loadPreview(this.preview?.mappingName ? { name: this.preview.mappingName } : 'auto')
  }

  /** Reads the head of the chosen file with a proposed (or saved) mapping; false when it could not. */
  async loadPreview(mapping: 'auto' | { name: string }): Promise<boolean> {
    const file = this.file
    if (!file?.handle) return false
    this.loading = 'Reading the file…'
    this.fileError = null
    try {
      const preview = await api.call('imports.preview', {
        file: file.handle,
        kind: this.kind,
        mapping,
        encoding: this.encoding,
        rows: PREVIEW_ROWS,
      })
      if (this.file !== file) return false
      this.preview = preview
      this.mapping = new MappingDraft(preview)
      file.bytes = preview.file.bytes
      return true
    } catch (error) {
      if (this.file === file) this.fileError = toApiError(error)
      return false
    } finally {
      this.loading = null
    }
  }

  goTo(step: WizardStep): void {
    if (this.dryRun.active || this.run.active) return
    if (step === 'mapping' || step === 'preview' || step === 'choose') this.mappingNotice = null
    this.step = step
  }

  async loadSavedMappings(): Promise<void> {
    try {
      this.saved = (await api.call('imports.mappings.list', { kind: this.kind })).items
      this.savedError = null
    } catch (error) {
      this.savedError = toApiError(error)
    }
  }

  /** Applies a saved mapping to this file (the backend matches its columns by header). */
  async applySaved(name: string): Promise<void> {
    this.mappingNotice = null
    if (await this.loadPreview({ name })) this.mappingNotice = `Mapping “${name}” applied.`
  }

  async saveMapping(name: string): Promise<boolean> {
    const draft = this.mapping
    if (!draft) return false
    this.mappingNotice = null
    try {
      await api.call('imports.mappings.save', { name, mapping: draft.toMapping() })
      this.mappingNotice = `Mapping “${name.trim()}” saved.`
      this.savedError = null
      await this.loadSavedMappings()
      return true
    } catch (error) {
      this.savedError = toApiError(error)
      return false
    }
  }

  /** The dry run of the current mapping: every row validated, nothing written. */
  async check(): Promise<void> {
    const file = this.file
    const draft = this.mapping
    if (!file?.handle || !draft || draft.problems.length > 0) return
    const request: RunRequest = {
      file: file.handle,
      kind: this.kind,
      mapping: draft.toMapping(),
      encoding: this.encoding,
    }
    this.#checked = request
    this.run = new ImportRun('import')
    this.dryRun = new ImportRun('dry-run')
    this.step = 'check'
    await this.dryRun.start('imports.validate', request)
  }

  /** Imports the checked file with the checked mapping; the result step follows when it ends. */
  async importValidRows(): Promise<void> {
    const request = this.#checked
    if (!request || this.run.active) return
    this.run = new ImportRun('import')
    this.step = 'import'
    // The import owns the upload now: the backend deletes it when the import ends.
    if (this.file) this.file.ownsUpload = false
    await this.run.start('imports.start', request)
    if (this.step === 'import') this.step = 'result'
  }

  /** Walks away before importing: nothing is written. */
  abandon(): void {
    const name = this.file?.name
    this.reset()
    this.outcome = name ? `Nothing was imported from ${name}.` : 'Nothing was imported.'
  }

  reset(): void {
    this.cancelUpload()
    this.#discard(this.file)
    this.step = 'choose'
    this.file = null
    this.preview = null
    this.mapping = null
    this.fileError = null
    this.mappingNotice = null
    this.outcome = null
    this.encoding = 'auto'
    this.#checked = null
    this.dryRun = new ImportRun('dry-run')
    this.run = new ImportRun('import')
  }

  /** Follows an import job that was already running when this page opened (e.g. after a reload). */
  async adopt(job: TrackedJob<ImportJobKind>): Promise<void> {
    const mode = importModeOf(job.kind)
    const tracker = new ImportRun(mode)
    if (mode === 'dry-run') {
      this.dryRun = tracker
      this.step = 'check'
    } else {
      this.run = tracker
      this.step = 'import'
    }
    void this.#nameRunningFile()
    await tracker.adopt(job.jobId)
    const summary = tracker.summary
    if (summary) this.#takeOver(summary)
    if (mode === 'import' && this.step === 'import') this.step = 'result'
  }

  async #open(file: WizardFile): Promise<void> {
    this.#discard(this.file)
    this.file = file
    this.encoding = 'auto'
    this.preview = null
    this.mapping = null
    this.#checked = null
    if (await this.loadPreview('auto')) {
      this.step = 'preview'
      void this.loadSavedMappings()
    }
  }

  /** An adopted run's file, from the history (the job itself does not carry it). */
  async #nameRunningFile(): Promise<void> {
    try {
      const { items } = await api.call('imports.history', { limit: 5, includeDryRuns: true })
      const running = items.find((run) => run.status === 'running')
      if (running && !this.file) {
        this.file = {
          name: displayFileName(running.fileName, running.filePath),
          bytes: running.bytes,
          handle: null,
          ownsUpload: false,
        }
      }
    } catch {
      // the page says "the file" until the run's summary names it
    }
  }

  /** What an adopted run tells about its file and mapping, so the wizard can go on from it. */
  #takeOver(summary: ImportSummary): void {
    this.kind = summary.kind
    const handle = summary.file.handle ?? null
    this.file = {
      name: displayFileName(summary.file.name, summary.file.path),
      bytes: summary.file.bytes,
      handle,
      ownsUpload: false,
    }
    // A run started from the page carries its file's handle; one started elsewhere (the command line,
    // SFTP) cannot be imported from here.
    this.#checked =
      handle === null
        ? null
        : {
            file: handle,
            kind: summary.kind,
            mapping: summary.mapping,
            encoding: encodingOf(summary.file.encoding),
          }
  }

  /**
   * Deletes an upload the person walked away from (another file chosen, the wizard left), so a copy of
   * their data does not wait a day for the sweep. An upload that was imported is deleted by the backend.
   */
  #discard(file: WizardFile | null): void {
    if (!file?.ownsUpload || file.handle === null) return
    file.ownsUpload = false
    void api.call('imports.upload.discard', { uploadId: file.handle }).catch(() => undefined)
  }
}

export const importWizard = new ImportWizard()
