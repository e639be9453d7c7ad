// The SFTP source editor: the saved source (never its secrets), the person's draft and its messages,
// "Test connection" on the draft, trusting the fingerprint the server showed, saving and removing.
import type { SavedMapping } from '$shared/imports/types'
import type { SftpSourceView, SftpTestResult } from '$shared/sftp/types'
import { api, toApiError, type ApiError } from '../api/client'
import {
  DRAFT_FIELDS,
  draftFrom,
  emptyDraft,
  fieldsOf,
  secretsOf,
  validateDraft,
  type DraftField,
  type SourceDraft,
} from '../sftp/source-draft'

/** The backend names the refused field in `details.key` (e.g. name, pattern, password). */
function fieldOfRefusal(error: ApiError): DraftField | null {
  const details = error.details
  const key =
    typeof details === 'object' && details !== null ? (details as Record<string, unknown>)['key'] : null
  return typeof key === 'string' && (DRAFT_FIELDS as readonly string[]).includes(key)
    ? (key as DraftField)
    : null
}

export class SftpSourceForm {
  id = $state<number | null>(null)
  saved = $state.raw<SftpSourceView | null>(null)
  draft = $state<SourceDraft>(emptyDraft())
  mappings = $state.raw<SavedMapping[]>([])
  secretWarning = $state<string | null>(null)
  loaded = $state(false)
  loadError = $state<ApiError | null>(null)
  /** Messages show after the first Save or Test, not while the person is still typing. */
  submitted = $state(false)
  saving = $state(false)
  saveError = $state<ApiError | null>(null)
  refusal = $state<{ field: DraftField; message: string } | null>(null)
  testing = $state(false)
  testResult = $state<SftpTestResult | null>(null)
  testError = $state<ApiError | null>(null)
  removing = $state(false)
  removeError = $state<ApiError | null>(null)

  problems = $derived(validateDraft(this.draft, this.saved))
  /** The host or port differs from the saved one while the saved key is still trusted. */
  hostChanged = $derived(
    this.saved !== null &&
      this.draft.hostKey !== null &&
      this.draft.hostKey === this.saved.hostKey &&
      (this.draft.host.trim() !== this.saved.host || this.draft.port.trim() !== String(this.saved.port)),
  )
  mappingChoices = $derived(this.mappings.filter((m) => m.kind === this.draft.kind))

  async load(id: number | null): Promise<void> {
    this.id = id
    try {
      const [list, mappings] = await Promise.all([
        api.call('sftp.sources.list', {}),
        api.call('imports.mappings.list', {}),
      ])
      this.mappings = mappings.items
      this.secretWarning = list.secretWarning
      if (id !== null) {
        const source = list.items.find((s) => s.id === id) ?? (await api.call('sftp.sources.get', { id }))
        this.saved = source
        this.draft = draftFrom(source)
      }
      this.loadError = null
    } catch (error) {
      this.loadError = toApiError(error)
    } finally {
      this.loaded = true
    }
  }

  messageFor(field: DraftField): string | null {
    if (this.refusal?.field === field) return this.refusal.message
    return this.submitted ? (this.problems[field] ?? null) : null
  }

  firstInvalid(): DraftField | null {
    return DRAFT_FIELDS.find((field) => this.messageFor(field) !== null) ?? null
  }

  /** A field changed: its refusal from the backend no longer applies. */
  edited(field: DraftField): void {
    if (this.refusal?.field === field) this.refusal = null
  }

  startReplacingSecret(): void {
    this.draft.replacingSecret = true
    this.draft.password = ''
    this.draft.privateKey = ''
    this.draft.passphrase = ''
  }

  keepStoredSecret(): void {
    this.draft.replacingSecret = false
    this.draft.password = ''
    this.draft.privateKey = ''
    this.draft.passphrase = ''
  }

  /** Tests the draft (with the stored secrets where none are typed). */
  async test(): Promise<void> {
    if (this.testing) return
    this.submitted = true
    this.testResult = null
    this.testError = null
    const blocking = (
      ['host', 'port', 'username', 'password', 'privateKey', 'folder', 'pattern'] as const
    ).filter((field) => this.problems[field] !== undefined)
    // Without a trusted key the login is not attempted: the secret may still be missing.
    const secretOnly = blocking.every((f) => f === 'password' || f === 'privateKey')
    if (blocking.length > 0 && !(secretOnly && this.draft.hostKey === null)) return
    this.testing = true
    try {
      this.testResult = await api.call('sftp.sources.test', {
        ...(this.id !== null ? { id: this.id } : {}),
        source: fieldsOf({ ...this.draft, name: this.draft.name.trim() || 'test' }),
        secrets: secretsOf(this.draft, this.saved),
      })
    } catch (error) {
      this.testError = toApiError(error)
    } finally {
      this.testing = false
    }
  }

  /** Trusts the key the server just showed, then tests again with it (now logging in). */
  async trust(fingerprint: string): Promise<void> {
    this.draft.hostKey = fingerprint
    await this.test()
  }

  /** Saves; resolves with the saved source, or null when it was refused (messages are then shown). */
  async save(): Promise<SftpSourceView | null> {
    this.submitted = true
    this.saveError = null
    this.refusal = null
    if (Object.keys(this.problems).length > 0 || this.saving) return null
    this.saving = true
    try {
      const saved = await api.call('sftp.sources.save', {
        ...(this.id !== null ? { id: this.id } : {}),
        source: fieldsOf(this.draft),
        secrets: secretsOf(this.draft, this.saved),
      })
      this.saved = saved
      this.id = saved.id
      this.draft = draftFrom(saved)
      this.submitted = false
      return saved
    } catch (error) {
      const failure = toApiError(error)
      const field = fieldOfRefusal(failure)
      if (field && (failure.code === 'validation' || failure.code === 'conflict')) {
        this.refusal = { field, message: failure.message }
      } else {
        this.saveError = failure
      }
      return null
    } finally {
      this.saving = false
    }
  }

  async remove(): Promise<boolean> {
    if (this.id === null || this.removing) return false
    this.removing = true
    this.removeError = null
    try {
      await api.call('sftp.sources.delete', { id: this.id })
      return true
    } catch (error) {
      this.removeError = toApiError(error)
      return false
    } finally {
      this.removing = false
    }
  }
}
