// The saved segments: the list, and save / rename / duplicate / delete, plus a segment's JSON file out
// (a download) and in (a file the person picks, read by the browser: no path reaches the backend).
import type { SavedSegment, SavedSegmentSummary } from '$shared/segments/types'
import type { SegmentDefinition } from '$shared/segments/definition'
import { api, toApiError, type ApiError } from '../api/client'
import { saveTextAs } from '../files/save-file'

class SavedSegments {
  items = $state.raw<SavedSegmentSummary[]>([])
  loaded = $state(false)
  error = $state<ApiError | null>(null)

  async refresh(): Promise<void> {
    try {
      this.items = (await api.call('segments.list', {})).items
      this.error = null
    } catch (error) {
      this.error = toApiError(error)
    } finally {
      this.loaded = true
    }
  }

  /** Saves a new segment (no id) or replaces a saved one's definition and name. */
  async save(id: string | null, name: string, definition: SegmentDefinition): Promise<SavedSegment> {
    const saved = await api.call('segments.save', { ...(id ? { id } : {}), name, definition })
    await this.refresh()
    return saved
  }

  async rename(id: string, name: string): Promise<SavedSegment> {
    const saved = await api.call('segments.rename', { id, name })
    await this.refresh()
    return saved
  }

  async duplicate(id: string): Promise<SavedSegment> {
    const copy = await api.call('segments.duplicate', { id })
    await this.refresh()
    return copy
  }

  async remove(id: string): Promise<void> {
    await api.call('segments.delete', { id })
    await this.refresh()
  }

  /** Offers the segment's definition as a JSON file download. */
  async downloadDefinition(id: string): Promise<string> {
    const file = await api.call('segments.exportDefinition', { id })
    saveTextAs(file.content, file.fileName, 'application/json')
    return file.fileName
  }

  /** Saves the segment in a JSON file the person picked (read here, in the page). */
  async importFile(file: File): Promise<SavedSegment> {
    const saved = await api.call('segments.importDefinition', { content: await file.text() })
    await this.refresh()
    return saved
  }
}

export const savedSegments = new SavedSegments()
