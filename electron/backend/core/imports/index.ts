// The imports feature's public surface: runs of chosen files, their history and rejected rows, saved
// mappings, and the service trusted callers start runs by path through.
export { previewChosenFile, runChosenFile } from './chosen-file-runs'
export type { ChosenFiles, UploadOptions } from './file-grants'
export { deleteMapping, getRun, listMappings, listRuns, saveMapping } from './import-runs'
export type { ImportService, RunRequest } from './import-service'
export { readRejectedRows } from './rejected-rows'
