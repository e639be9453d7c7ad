// Where a profile property's key on the wire differs from the catalogue's: the time zone travels as
// `tz` (CLEVERTAP-API.md §7: the web SDK sends `tz`, Android examples `Tz`), stored here as Timezone.
// Shared by push and pull and by the sandbox, so all three agree.

/** The catalogue key of the time zone (the profiles.timezone column). */
export const TIMEZONE_KEY = 'Timezone'
/** Its key in upload and download records. */
export const TIMEZONE_WIRE_KEY = 'tz'

/** The catalogue key for a profileData key: 'tz', 'Tz' (and 'Timezone' itself) are the time zone. */
export function catalogueKeyOfWire(key: string): string {
  const lower = key.toLowerCase()
  return lower === TIMEZONE_WIRE_KEY || lower === 'timezone' ? TIMEZONE_KEY : key
}

/** The profileData key an upload carries for a catalogue key. */
export function wireKeyOfCatalogue(key: string): string {
  return key === TIMEZONE_KEY ? TIMEZONE_WIRE_KEY : key
}
