// The remote settings form: what is saved (the backend's view, which never holds the passcode), the
// person's draft, its validation, saving, and "Test connection" on the draft before it is saved.
import type { ConnectionOverride, ConnectionTestResult, SyncSettingsView } from '$shared/sync/types'
import { api, toApiError, type ApiError } from '../api/client'
import {
  draftFrom,
  EMPTY_SETTINGS,
  FIELD_ORDER,
  namesAnotherRemote,
  remoteOf,
  validateDraft,
  type SettingsDraft,
  type SettingsField,
} from '../sync/remote-settings'

/** The backend names the field it refused in `details.key` (e.g. baseUrl); other refusals go on top. */
function fieldOfRefusal(error: ApiError): SettingsField | null {
  const details = error.details
  const key =
    typeof details === 'object' && details !== null ? (details as Record<string, unknown>)['key'] : null
  return typeof key === 'string' && (FIELD_ORDER as readonly string[]).includes(key)
    ? (key as SettingsField)
    : null
}

export class SyncSettingsForm {
  saved = $state.raw<SyncSettingsView | null>(null)
  draft = $state<SettingsDraft>(draftFrom(EMPTY_SETTINGS))
  loadError = $state<ApiError | null>(null)
  /** Validation messages are shown after the first Save or Test (not while the person is still typing). */
  submitted = $state(false)
  saving = $state(false)
  saveError = $state<ApiError | null>(null)
  /** A refusal from the backend for one field, shown under it until that field changes. */
  refusal = $state<{ field: SettingsField; value: string; message: string } | null>(null)
  savedNotice = $state<string | null>(null)
  testing = $state(false)
  testResult = $state<ConnectionTestResult | null>(null)
  testError = $state<ApiError | null>(null)

  passcodeStored = $derived(this.saved?.passcodeStored ?? false)
  /** The draft names another remote or account: the stored passcode is not for it. */
  otherRemote = $derived(this.passcodeStored && namesAnotherRemote(this.draft, this.saved))
  /** The passcode input is shown (none stored, replacing it, or another remote needs its own). */
  askPasscode = $derived(!this.passcodeStored || this.draft.replacingPasscode || this.otherRemote)
  problems = $derived(validateDraft(this.draft, this.passcodeStored, this.saved))
  /** The form differs from what is saved (Test connection then tries the form's values). */
  dirty = $derived(
    this.draft.passcode !== '' ||
      (this.saved !== null &&
        JSON.stringify({ ...draftFrom(this.saved), replacingPasscode: false }) !==
          JSON.stringify({ ...this.draft, replacingPasscode: false })),
  )

  async load(): Promise<void> {
    try {
      const view = await api.call('sync.settings.get', {})
      this.saved = view
      this.draft = draftFrom(view)
      this.loadError = null
    } catch (error) {
      this.loadError = toApiError(error)
    }
  }

  /** The message to show under a field, if any. */
  messageFor(field: SettingsField): string | null {
    if (this.refusal?.field === field && this.refusal.value === this.#valueOf(field))
      return this.refusal.message
    return this.submitted ? (this.problems[field] ?? null) : null
  }

  /** The first field with a message, to move focus to after a refused Save. */
  firstInvalid(): SettingsField | null {
    return FIELD_ORDER.find((field) => this.messageFor(field) !== null) ?? null
  }

  startReplacingPasscode(): void {
    this.draft.replacingPasscode = true
    this.draft.passcode = ''
    this.savedNotice = null
  }

  keepStoredPasscode(): void {
    this.draft.replacingPasscode = false
    this.draft.passcode = ''
  }

  /** Saves the draft; resolves false when it was refused (messages are then shown). */
  async save(): Promise<boolean> {
    this.submitted = true
    this.savedNotice = null
    this.saveError = null
    this.refusal = null
    if (Object.keys(this.problems).length > 0 || this.saving) return false
    const draft = this.draft
    const sendPasscode = this.askPasscode
    this.saving = true
    try {
      const view = await api.call('sync.settings.set', {
        remote: remoteOf(draft),
        accountId: draft.accountId.trim(),
        ...(sendPasscode ? { passcode: draft.passcode } : {}),
        autoSync: draft.autoSync,
        pushIntervalMinutes: Number(draft.pushIntervalMinutes.trim()),
        pullIntervalMinutes: Number(draft.pullIntervalMinutes.trim()),
        batchSize: Number(draft.batchSize.trim()),
      })
      this.saved = view
      this.draft = draftFrom(view)
      this.submitted = false
      this.testResult = null
      this.testError = null
      this.savedNotice = view.configured
        ? 'Settings saved. Sync uses them from now on.'
        : 'Settings saved, but sync is not set up yet: it needs the remote, the account id and the passcode.'
      return true
    } catch (error) {
      const failure = toApiError(error)
      const field = fieldOfRefusal(failure)
      if (failure.code === 'validation' && field) {
        this.refusal = { field, value: this.#valueOf(field), message: failure.message }
      } else {
        this.saveError = failure
      }
      return false
    } finally {
      this.saving = false
    }
  }

  /** Tries the saved settings, or the form's values when they differ from what is saved. */
  async testConnection(): Promise<void> {
    if (this.testing) return
    this.testResult = null
    this.testError = null
    let connection: ConnectionOverride | undefined
    if (this.dirty) {
      this.submitted = true
      const blocking = (['remote', 'baseUrl', 'accountId', 'passcode'] as const).filter(
        (field) => this.problems[field] !== undefined,
      )
      if (blocking.length > 0) return
      const remote = remoteOf(this.draft)
      connection = {
        ...(remote ? { remote } : {}),
        accountId: this.draft.accountId.trim(),
        ...(this.draft.passcode !== '' ? { passcode: this.draft.passcode } : {}),
      }
    }
    this.testing = true
    try {
      this.testResult = await api.call('sync.testConnection', connection ? { connection } : {})
    } catch (error) {
      this.testError = toApiError(error)
    } finally {
      this.testing = false
    }
  }

  #valueOf(field: SettingsField): string {
    const value = field === 'passcode' ? '' : this.draft[field]
    return typeof value === 'string' ? value : ''
  }
}
