// Bulk edit, History and undo: what the adapters may import.
export { BulkService, type UndoRequest } from './service'
