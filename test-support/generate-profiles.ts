// The import benchmark's data: a profile CSV of N rows as a CRM would export it (about 215 bytes a row,
// 17 columns, ~10% accented or non-Latin names, ~35% empty push tokens) with ~2% dirty rows: invalid
// emails and empty identities (rejected), phones without + (warnings), quoted commas, newlines and
// quotes, emoji names. Seeded (sfc32): the same seed and row count give the same bytes. Identities do not
// depend on the seed, so another seed is an update of the same people.
// `devices`: 'token' (the default: the push_token column alone, read as the profile's device token),
// 'platform' (a platform column beside it, filled where there is a token) or 'none' (no push_token column).
// Run: node --import tsx test-support/generate-profiles.ts --rows N [--seed S] [--change-every N]
//   [--devices token|platform|none] --out FILE
import { createWriteStream } from 'node:fs'
import { once } from 'node:events'
import { parseArgs } from 'node:util'
import { pathToFileURL } from 'node:url'
import { DEVICE_COLUMNS, headerOf, withDevices, type DeviceColumns } from './generated-devices'

export { DEVICE_COLUMNS, type DeviceColumns }

export const GENERATOR_VERSION = 1

export const HEADER = [
  'identity',
  'Name',
  'Email',
  'Phone',
  'Gender',
  'DOB',
  'City',
  'Country',
  'MSG-email',
  'MSG-push',
  'MSG-sms',
  'MSG-whatsapp',
  'push_token',
  'customer_type',
  'signup_date',
  'lifetime_value',
  'orders',
]

function sfc32(seed: number): () => number {
  let a = 0x9e3779b9
  let b = 0x243f6a88
  let c = 0xb7e15162
  let d = seed >>> 0
  const next = () => {
    a >>>= 0
    b >>>= 0
    c >>>= 0
    d >>>= 0
    let t = (a + b) | 0
    a = b ^ (b >>> 9)
    b = (c + (c << 3)) | 0
    c = (c << 21) | (c >>> 11)
    d = (d + 1) | 0
    t = (t + d) | 0
    c = (c + t) | 0
    return (t >>> 0) / 4294967296
  }
  for (let i = 0; i < 15; i++) next()
  return next
}

const FIRST = [
  'Maria',
  'James',
  'Anna',
  'John',
  'Laura',
  'David',
  'Sarah',
  'Michael',
  'Emma',
  'Daniel',
  'Sofia',
  'Lucas',
  'Julia',
  'Thomas',
  'Olivia',
  'Paul',
  'Hannah',
  'Peter',
  'Lea',
  'Mark',
  'Nina',
  'Jonas',
  'Clara',
  'Felix',
  'Alice',
  'Hugo',
  'Ines',
  'Omar',
  'Priya',
  'Ravi',
  'Chen',
  'Yuki',
  'Aisha',
  'Carlos',
  'Elena',
  'Marco',
]
const FIRST_ACCENTED = [
  'José',
  'Zoë',
  'Łukasz',
  'Chloé',
  'Jürgen',
  'Ærin',
  'Søren',
  'Renée',
  'Björn',
  'Noémie',
  '王伟',
  'Дмитрий',
  'محمد',
  'Ἀλέξανδρος',
]
const LAST = [
  'Garcia',
  'Smith',
  'Müller',
  'Johnson',
  'Rossi',
  'Martin',
  'Brown',
  'Schmidt',
  'Dubois',
  'Silva',
  'Novak',
  'Jensen',
  'Kowalski',
  'Nguyen',
  'Kim',
  'Patel',
  'Singh',
  'Tanaka',
  'Lopez',
  'Moreau',
  'Fischer',
  'Weber',
  'Costa',
  'Santos',
  'Hansen',
  'Berg',
  'Walker',
  'Young',
  'King',
  'Wright',
  'Scott',
  'Green',
]
const LAST_ACCENTED = [
  'Gómez',
  'Ibáñez',
  'Öztürk',
  'Ñúñez',
  'Łęcki',
  'Sørensen',
  'Đorđević',
  '李',
  'Иванов',
  'Ali',
]
const DOMAINS = ['example.com', 'mail.example.org', 'post.example.net', 'corp.example.co.uk', 'example.de']
const CITIES = [
  'Berlin',
  'Paris',
  'London',
  'Madrid',
  'Rome',
  'Lisbon',
  'Vienna',
  'Prague',
  'Warsaw',
  'Stockholm',
  'Oslo',
  'Copenhagen',
  'Amsterdam',
  'Brussels',
  'Zurich',
  'Dublin',
  'Mumbai',
  'Delhi',
  'Singapore',
  'Tokyo',
  'Seoul',
  'New York',
  'Chicago',
  'Toronto',
  'São Paulo',
  'Mexico City',
  'Kraków',
  'Málaga',
  'Köln',
  'Zürich',
]
const COUNTRIES = [
  'DE',
  'FR',
  'GB',
  'ES',
  'IT',
  'PT',
  'AT',
  'CZ',
  'PL',
  'SE',
  'NO',
  'DK',
  'NL',
  'BE',
  'CH',
  'IE',
  'IN',
  'SG',
  'JP',
  'US',
]
const CALLING = [
  '+49',
  '+33',
  '+44',
  '+34',
  '+39',
  '+351',
  '+43',
  '+420',
  '+48',
  '+46',
  '+1',
  '+91',
  '+65',
  '+81',
]
const GENDERS = ['M', 'F', 'M', 'F', 'O', 'male', 'female']
const TYPES = ['free', 'premium', 'trial', 'enterprise', 'free', 'free']
const EMOJI = ['😀', '🎉', '🚀', '🌸', '⭐', '🍕']
const PRIME = 999_999_937

/** The identity of row i: a bijection of the row number (unique, random-looking order, seed-free). */
export function identityOf(i: number): string {
  return `u${String((i * 48_271 + 12_345) % PRIME).padStart(9, '0')}`
}

function ascii(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^a-z]/g, '')
}

function quote(cell: string): string {
  return /[",\n\r]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell
}

export interface GeneratedCounts {
  rows: number
  bytes: number
  badEmails: number
  emptyIdentities: number
  phonesWithoutPlus: number
  quoted: number
  emoji: number
}

/**
 * Writes the CSV; returns what it put in. `changeEvery` N: every Nth row (the Nth, 2Nth, …) gets another
 * plan (customer_type) and a lifetime_value 1.00 higher, every other byte as without it (the same random
 * draws), so the file is an update of the same people in which a tenth (N = 10) of them changed.
 */
export async function generateProfiles(
  rows: number,
  seed: number,
  out: string,
  changeEvery = 0,
  devices: DeviceColumns = 'token',
): Promise<GeneratedCounts> {
  const rnd = sfc32(seed)
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)] as T
  const int = (min: number, max: number) => min + Math.floor(rnd() * (max - min + 1))
  const pad = (n: number, w = 2) => String(n).padStart(w, '0')
  const hex = (n: number) => {
    let s = ''
    for (let i = 0; i < n; i++) s += '0123456789abcdef'[Math.floor(rnd() * 16)]
    return s
  }
  const counts: GeneratedCounts = {
    rows,
    bytes: 0,
    badEmails: 0,
    emptyIdentities: 0,
    phonesWithoutPlus: 0,
    quoted: 0,
    emoji: 0,
  }
  const stream = createWriteStream(out)
  let buffer = `${headerOf(devices).join(',')}\n`
  for (let i = 0; i < rows; i++) {
    const accented = rnd() < 0.1
    const first = accented ? pick(FIRST_ACCENTED) : pick(FIRST)
    const last = accented && rnd() < 0.5 ? pick(LAST_ACCENTED) : pick(LAST)
    let name = `${first} ${last}`
    let identity = identityOf(i)
    const local = `${ascii(first) || 'user'}.${ascii(last) || 'x'}${i.toString(36)}`
    let email = `${local}@${pick(DOMAINS)}`
    const calling = pick(CALLING)
    let phone = `${calling}${int(100_000_000, 999_999_999)}${int(0, 9)}`
    let city = pick(CITIES)
    const dirty = rnd() < 0.02 ? rnd() : -1
    if (dirty >= 0) {
      if (dirty < 0.25) {
        email = pick([`${local}@`, `${local}.example.com`, `${local}@@example.com`, `${local} @example.com`])
        counts.badEmails++
      } else if (dirty < 0.5) {
        phone = phone.slice(calling.length)
        counts.phonesWithoutPlus++
      } else if (dirty < 0.7) {
        const kind = int(0, 2)
        if (kind === 0) city = `${city}, ${pick(COUNTRIES)}`
        else if (kind === 1) name = `${name}\n(${pick(['billing', 'shipping'])} contact)`
        else name = `${first} "${pick(['Max', 'Bo', 'Jo'])}" ${last}`
        counts.quoted++
      } else if (dirty < 0.85) {
        name = `${name} ${pick(EMOJI)}`
        counts.emoji++
      } else {
        identity = ''
        counts.emptyIdentities++
      }
    }
    const dob = `${int(1950, 2008)}-${pad(int(1, 12))}-${pad(int(1, 28))}`
    const signup = `${pad(int(1, 28))}/${pad(int(1, 12))}/${int(2015, 2025)} ${pad(int(0, 23))}:${pad(int(0, 59))}:${pad(int(0, 59))}`
    const token = rnd() < 0.35 ? '' : hex(64)
    const cells = [
      identity,
      name,
      email,
      phone,
      pick(GENDERS),
      dob,
      city,
      pick(COUNTRIES),
      rnd() < 0.7 ? 'true' : 'false',
      rnd() < 0.6 ? 'true' : 'false',
      rnd() < 0.4 ? 'true' : 'false',
      rnd() < 0.3 ? 'true' : 'false',
      token,
      pick(TYPES),
      signup,
      (rnd() * 5000).toFixed(2),
      String(int(0, 200)),
    ]
    if (changeEvery > 0 && (i + 1) % changeEvery === 0) {
      // After the draws, so the rest of the row (and every later row) is the same as without the change.
      cells[13] = cells[13] === 'premium' ? 'enterprise' : 'premium'
      cells[15] = (Number(cells[15]) + 1).toFixed(2)
    }
    buffer += `${withDevices(cells, devices).map(quote).join(',')}\n`
    if (buffer.length > 1 << 20) {
      counts.bytes += Buffer.byteLength(buffer)
      if (!stream.write(buffer)) await once(stream, 'drain')
      buffer = ''
    }
  }
  counts.bytes += Buffer.byteLength(buffer)
  stream.end(buffer)
  await once(stream, 'finish')
  return counts
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({
    options: {
      rows: { type: 'string', default: '1000000' },
      seed: { type: 'string', default: '42' },
      out: { type: 'string' },
      'change-every': { type: 'string', default: '0' },
      devices: { type: 'string', default: 'token' },
    },
  })
  const devices = values.devices as DeviceColumns
  if (!DEVICE_COLUMNS.includes(devices)) throw new Error(`--devices is one of ${DEVICE_COLUMNS.join(', ')}`)
  if (!values.out) throw new Error('--out FILE is required')
  const counts = await generateProfiles(
    Number(values.rows),
    Number(values.seed),
    values.out,
    Number(values['change-every']),
    devices,
  )
  console.log(JSON.stringify(counts))
}
