// The segments feature's public surface for adapters: the service, saved segments and their files.
export { SegmentService, EXPORTS_FOLDER, type SegmentServiceOptions } from './service'
export {
  deleteSegment,
  duplicateSegment,
  exportDefinition,
  findSegmentByName,
  getSegment,
  listSegments,
  readSegmentFile,
  renameSegment,
  saveSegment,
} from './saved'
export { SEGMENT_MIGRATIONS } from './migrations'
export { timeZoneView, updateTimeZone } from './dates'
