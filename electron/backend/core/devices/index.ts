// The devices feature's public surface: devices and tokens, reachability, Duplicate Platform ID and the
// overview's numbers.
export { reachabilityOf } from './reachability'
export { setToken, removeToken } from './token-edits'
export { listDuplicates, resolveDuplicates } from './duplicates'
export { overviewNumbers } from './overview'
export { segmentOverview } from './segment-overview'
