// Seeded, realistic sample profiles: ~70% identified (identity, email, name, phone in E.164, gender,
// DOB, IANA time zone, MSG-* flags, custom plan/city/loyalty_points/interests), ~30% anonymous (only a
// device), a few test profiles, and a short event history each. Same seed and start => same profiles.
import { Faker, base, de, en, es, fr, it, nl, pl, pt_BR, sv, type LocaleDefinition } from '@faker-js/faker'
import { foldText } from '../../../../shared/profile/search-keys'
import type { CustomPropertyType, PropertyValue } from '../../../../shared/profile/types'

export const DEFAULT_SAMPLE_SEED = 20240601

export interface SampleEvent {
  name: string
  ts: number
  props: Record<string, string | number>
}

export interface SampleProfile {
  /** The CleverTap ID, also the id of the profile's device. */
  objectId: string
  identity: string | null
  email: string | null
  name: string | null
  phone: string | null
  gender: string | null
  dob: number | null
  timezone: string | null
  msg: { email: boolean; push: boolean; sms: boolean; whatsapp: boolean } | null
  custom: Record<string, PropertyValue>
  isTest: boolean
  events: SampleEvent[]
}

/** The custom properties sample profiles carry, with their per-account types. */
export const SAMPLE_CUSTOM_TYPES: Readonly<Record<string, CustomPropertyType>> = {
  plan: 'string',
  city: 'string',
  loyalty_points: 'number',
  interests: 'multi',
}

interface Country {
  locale: LocaleDefinition[]
  code: string
  /** National number: a leading digit choice and the count of digits after it. */
  lead: readonly string[]
  rest: number
  zones: readonly string[]
}

// Where sample people live: locale for names and cities, phone plan for E.164, IANA zones.
const COUNTRIES: readonly Country[] = [
  {
    locale: [en, base],
    code: '1',
    lead: ['2', '3', '4', '5', '6', '7', '8', '9'],
    rest: 9,
    zones: ['America/New_York', 'America/Chicago', 'America/Denver', 'America/Los_Angeles'],
  },
  { locale: [en, base], code: '44', lead: ['7'], rest: 9, zones: ['Europe/London'] },
  { locale: [de, en, base], code: '49', lead: ['15', '16', '17'], rest: 9, zones: ['Europe/Berlin'] },
  { locale: [fr, en, base], code: '33', lead: ['6', '7'], rest: 8, zones: ['Europe/Paris'] },
  { locale: [es, en, base], code: '34', lead: ['6'], rest: 8, zones: ['Europe/Madrid'] },
  { locale: [it, en, base], code: '39', lead: ['3'], rest: 9, zones: ['Europe/Rome'] },
  { locale: [pt_BR, en, base], code: '55', lead: ['119', '219'], rest: 8, zones: ['America/Sao_Paulo'] },
  { locale: [nl, en, base], code: '31', lead: ['6'], rest: 8, zones: ['Europe/Amsterdam'] },
  { locale: [sv, en, base], code: '46', lead: ['7'], rest: 8, zones: ['Europe/Stockholm'] },
  { locale: [pl, en, base], code: '48', lead: ['5', '6', '7'], rest: 8, zones: ['Europe/Warsaw'] },
]

interface Pool {
  country: Country
  female: string[]
  male: string[]
  last: string[]
  cities: string[]
}

const POOL_SIZE = 300
const DOMAINS = [
  'gmail.com',
  'yahoo.com',
  'outlook.com',
  'hotmail.com',
  'icloud.com',
  'proton.me',
  'web.de',
  'gmx.net',
  'orange.fr',
  'mail.com',
]
const PLANS = ['free', 'free', 'free', 'basic', 'basic', 'pro', 'enterprise']
const INTERESTS = [
  'sports',
  'music',
  'travel',
  'cooking',
  'gaming',
  'fashion',
  'tech',
  'books',
  'fitness',
  'movies',
]
const PRODUCTS = [
  { product: 'Running Shoes', category: 'Sports', price: 89.99 },
  { product: 'Wireless Earbuds', category: 'Electronics', price: 59.0 },
  { product: 'Coffee Grinder', category: 'Kitchen', price: 34.5 },
  { product: 'Yoga Mat', category: 'Sports', price: 25.0 },
  { product: 'Backpack', category: 'Travel', price: 49.95 },
  { product: 'Desk Lamp', category: 'Home', price: 19.99 },
  { product: 'Smart Watch', category: 'Electronics', price: 199.0 },
  { product: 'Novel: The Long Road', category: 'Books', price: 12.99 },
]
const CURRENCIES: Record<string, string> = { '1': 'USD', '44': 'GBP', '55': 'BRL', '46': 'SEK', '48': 'PLN' }
const DAY = 86_400

export interface GeneratorOptions {
  seed?: number
  /** Sequence number of the first profile (identities carry it, so runs after runs never collide). */
  start?: number
  /** Epoch seconds: events fall in the 120 days before it, births well before it. */
  now: number
  /** Share of profiles that are anonymous (0..1). */
  anonymousShare?: number
  /** Largest number of events per profile. */
  maxEvents?: number
}

export class SampleGenerator {
  private readonly faker: Faker
  private readonly pools: Pool[]
  private index: number
  private readonly now: number
  private readonly anonymousShare: number
  private readonly maxEvents: number

  constructor(options: GeneratorOptions) {
    const seed = options.seed ?? DEFAULT_SAMPLE_SEED
    this.index = options.start ?? 0
    this.now = options.now
    this.anonymousShare = options.anonymousShare ?? 0.3
    this.maxEvents = options.maxEvents ?? 6
    this.pools = COUNTRIES.map((country, i) => {
      const local = new Faker({ locale: country.locale, seed: seed + i })
      const draw = (make: () => string) => Array.from({ length: POOL_SIZE }, make)
      return {
        country,
        female: draw(() => local.person.firstName('female')),
        male: draw(() => local.person.firstName('male')),
        last: draw(() => local.person.lastName()),
        cities: draw(() => local.location.city()),
      }
    })
    // The per-profile stream is seeded by the seed and the start, so a later run continues, not repeats.
    this.faker = new Faker({ locale: [en, base], seed: seed * 31 + this.index })
  }

  /** The sequence number the next profile will get. */
  get nextIndex(): number {
    return this.index
  }

  private pick<T>(items: readonly T[]): T {
    return items[this.faker.number.int({ min: 0, max: items.length - 1 })] as T
  }

  private chance(p: number): boolean {
    return this.faker.number.float() < p
  }

  private digits(count: number): string {
    let out = ''
    for (let i = 0; i < count; i++) out += String(this.faker.number.int({ min: 0, max: 9 }))
    return out
  }

  /** A fresh identity from the sequence (for profiles made by the login rule, not by next()). */
  newIdentity(): string {
    return `U${String(1_000_000 + this.index++)}`
  }

  /** A device id like CleverTap's: 32 lower-case hex digits. */
  deviceId(): string {
    let out = ''
    for (let i = 0; i < 4; i++)
      out += this.faker.number.int({ min: 0, max: 0xffffffff }).toString(16).padStart(8, '0')
    return out
  }

  next(): SampleProfile {
    const sequence = this.index++
    const objectId = this.deviceId()
    const lastSeenBase = this.now - this.faker.number.int({ min: 0, max: 120 * DAY })
    if (this.chance(this.anonymousShare)) {
      return {
        objectId,
        identity: null,
        email: null,
        name: null,
        phone: null,
        gender: null,
        dob: null,
        timezone: null,
        msg: null,
        custom: {},
        isTest: false,
        events: this.events(lastSeenBase, 'USD', 3),
      }
    }
    const pool = this.pick(this.pools)
    const female = this.chance(0.5)
    const first = this.pick(female ? pool.female : pool.male)
    const last = this.pick(pool.last)
    const isTest = sequence % 97 === 13
    const local = `${asciiWord(first)}.${asciiWord(last)}${sequence}`
    const email = isTest ? `qa+${sequence}@test.example.com` : `${local}@${this.pick(DOMAINS)}`
    const year = 1950 + this.faker.number.int({ min: 0, max: 57 })
    const month = this.faker.number.int({ min: 0, max: 11 })
    const day = this.faker.number.int({ min: 1, max: 28 })
    const genderRoll = this.faker.number.float()
    const custom: Record<string, PropertyValue> = {
      plan: this.pick(PLANS),
      city: this.pick(pool.cities),
      loyalty_points: this.faker.number.int({ min: 0, max: 5000 }),
    }
    if (this.chance(0.6)) {
      custom.interests = [...new Set([this.pick(INTERESTS), this.pick(INTERESTS), this.pick(INTERESTS)])]
    }
    return {
      objectId,
      identity: `U${String(1_000_000 + sequence)}`,
      email,
      name: isTest ? `QA Tester ${sequence}` : `${first} ${last}`,
      phone: `+${pool.country.code}${this.pick(pool.country.lead)}${this.digits(pool.country.rest)}`,
      gender: genderRoll < 0.03 ? 'O' : genderRoll < 0.05 ? 'U' : female ? 'F' : 'M',
      dob: Date.UTC(year, month, day) / 1000,
      timezone: this.pick(pool.country.zones),
      msg: {
        email: this.chance(0.8),
        push: this.chance(0.7),
        sms: this.chance(0.5),
        whatsapp: this.chance(0.4),
      },
      custom,
      isTest,
      events: this.events(lastSeenBase, CURRENCIES[pool.country.code] ?? 'EUR', this.maxEvents),
    }
  }

  /** A short shopping session history ending at `lastSeen`, oldest first. */
  events(lastSeen: number, currency: string, max: number): SampleEvent[] {
    const count = this.faker.number.int({ min: 0, max: Math.min(max, this.maxEvents) })
    const out: SampleEvent[] = []
    let ts = lastSeen - count * this.faker.number.int({ min: 600, max: 3 * DAY })
    for (let i = 0; i < count; i++) {
      ts += this.faker.number.int({ min: 60, max: 2 * DAY })
      out.push(this.event(Math.min(ts, lastSeen), currency))
    }
    return out
  }

  event(ts: number, currency = 'USD'): SampleEvent {
    const roll = this.faker.number.float()
    const item = this.pick(PRODUCTS)
    if (roll < 0.35) return { name: 'App Launched', ts, props: {} }
    if (roll < 0.7)
      return {
        name: 'Product Viewed',
        ts,
        props: { Product: item.product, Category: item.category, Price: item.price },
      }
    if (roll < 0.88)
      return { name: 'Added To Cart', ts, props: { Product: item.product, Price: item.price, Quantity: 1 } }
    const quantity = this.faker.number.int({ min: 1, max: 3 })
    return {
      name: 'Charged',
      ts,
      props: {
        Amount: Math.round(item.price * quantity * 100) / 100,
        Currency: currency,
        'Payment mode': this.pick(['Card', 'PayPal', 'Apple Pay']),
      },
    }
  }
}

/** A name as it appears in an email's local part: accents folded, letters only. */
function asciiWord(text: string): string {
  return foldText(text).replace(/[^a-z]/g, '') || 'user'
}
