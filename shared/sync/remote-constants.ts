// Where sync can point and how much it sends at once: plain values shared by the sync contract, the
// backend and the renderer's settings form. No zod here, so the renderer can import it at runtime.

/** CleverTap's regions (CLEVERTAP-API.md §0); eu1 is the bare api.clevertap.com. */
export const REGIONS = ['eu1', 'in1', 'sg1', 'us1', 'aps3', 'mec1'] as const
export type Region = (typeof REGIONS)[number]

/** The upload API's limit of records per request. */
export const MAX_BATCH_SIZE = 1000
export const DEFAULT_BATCH_SIZE = 100

export function isRegion(value: string): value is Region {
  return (REGIONS as readonly string[]).includes(value)
}

/** Where a region's API lives (CLEVERTAP-API.md §0): Europe (eu1) is the bare host. */
export function regionEndpoint(region: Region): string {
  return region === 'eu1' ? 'https://api.clevertap.com/1' : `https://${region}.api.clevertap.com/1`
}
