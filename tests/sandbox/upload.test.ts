// POST /1/upload conformance: CleverTap's sample payloads, every per-record error code the sandbox
// claims with its wire message, the envelope statuses, operations, limits and identifier rules.

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSandbox, type Sandbox } from '../../test-support/sandbox'

let sandbox: Sandbox
beforeAll(async () => {
  sandbox = await startSandbox()
})
afterAll(async () => {
  await sandbox.stop()
})

let counter = 0
/** A fresh identity per test so tests never see each other's profiles. */
const fresh = (prefix: string): string => `${prefix}-${++counter}`

describe("CleverTap's sample payloads (CLEVERTAP-API.md sources)", () => {
  it('accepts the profile upload example with the $D_1487576752 date of birth', async () => {
    // getting_started/api/uploading_user_profiles_example_request_payload.json (comments removed)
    const reply = await sandbox.upload([
      {
        identity: '1189549',
        ts: 1468308340,
        type: 'profile',
        profileData: {
          Name: 'Jack Montana',
          Email: 'jack@gmail.com',
          Phone: '+14155551234',
          Gender: 'M',
          Employed: 'Y',
          Education: 'Graduate',
          Married: 'Y',
          DOB: '$D_1487576752',
          'Customer Type': 'Platinum',
        },
      },
    ])
    expect(reply).toEqual({ status: 'success', processed: 1, unprocessed: [] })
    const record = await sandbox.profileByIdentity('1189549')
    expect(record).toMatchObject({
      identity: '1189549',
      name: 'Jack Montana',
      email: 'jack@gmail.com',
      phone: '+14155551234',
    })
    expect(record.profileData).toMatchObject({
      Gender: 'M',
      Employed: 'Y',
      Education: 'Graduate',
      Married: 'Y',
      DOB: '$D_1487576752',
      'Customer Type': 'Platinum',
    })
  })

  it('accepts the events example: FBID Product viewed and Charged with Amount and Items', async () => {
    // getting_started/api/uploading_user_events_example_request_payload.json
    const reply = await sandbox.upload([
      {
        FBID: '34322423',
        ts: 1419401442,
        type: 'event',
        evtName: 'Product viewed',
        evtData: {
          'Product name': 'Casio Chronograph Watch',
          Category: 'Mens Watch',
          Price: 59.99,
          Currency: 'USD',
        },
      },
      {
        identity: 'jack@gmail.com',
        ts: 1419411212,
        type: 'event',
        evtName: 'Charged',
        evtData: {
          Amount: 300,
          Currency: 'USD',
          'Payment mode': 'Credit Card',
          Items: [
            { Category: 'books', 'Book name': 'The millionaire next door', Quantity: 1 },
            { Category: 'books', 'Book name': 'Achieving inner zen', Quantity: 4 },
          ],
        },
      },
    ])
    expect(reply).toEqual({ status: 'success', processed: 2, unprocessed: [] })
    const buyer = await sandbox.profileByIdentity('jack@gmail.com')
    expect(buyer.events.Charged).toEqual({ count: 1, first_seen: 1419411212, last_seen: 1419411212 })
    // Event properties stay on the event: the profile does not gain Amount or Currency.
    expect(buyer.profileData).toEqual({})
    // The FBID-only record created a profile too: find it by a profile_fields filter on FBID.
    const started = await sandbox.post('/1/profiles.json?batch_size=10&events=true', {
      event_name: 'Product viewed',
      from: 20141201,
      to: 20141231,
      common_profile_properties: {
        profile_fields: [{ name: 'FBID', operator: 'equals', value: '34322423' }],
      },
    })
    const page = await sandbox.get(`/1/profiles.json?cursor=${String(started.body.cursor)}`)
    expect(page.body.records).toEqual([
      {
        profileData: { FBID: '34322423' },
        events: { 'Product viewed': { count: 1, first_seen: 1419401442, last_seen: 1419401442 } },
        platformInfo: [{ objectId: expect.stringMatching(/^-[0-9a-f]{32}$/) }],
      },
    ])
  })

  it('applies the {"$add":[…]} style operations on multi-values', async () => {
    const identity = fresh('ops')
    await sandbox.upload([
      { identity, type: 'profile', profileData: { Sports: { $set: ['cricket', 'football'] } } },
    ])
    await sandbox.upload([
      { identity, type: 'profile', profileData: { Sports: { $add: ['tennis', 'cricket'] } } },
    ])
    expect((await sandbox.profileByIdentity(identity)).profileData.Sports).toEqual([
      'cricket',
      'football',
      'tennis',
    ])
    await sandbox.upload([{ identity, type: 'profile', profileData: { Sports: { $remove: ['football'] } } }])
    expect((await sandbox.profileByIdentity(identity)).profileData.Sports).toEqual(['cricket', 'tennis'])
    await sandbox.upload([{ identity, type: 'profile', profileData: { Sports: { $delete: true } } }])
    expect((await sandbox.profileByIdentity(identity)).profileData).not.toHaveProperty('Sports')
  })
})

describe('profile data', () => {
  it('counts with $incr and $decr, starting from 0 when the property is absent', async () => {
    const identity = fresh('counter')
    await sandbox.upload([{ identity, type: 'profile', profileData: { Points: { $incr: 10 } } }])
    await sandbox.upload([{ identity, type: 'profile', profileData: { Points: { $decr: 3 } } }])
    expect((await sandbox.profileByIdentity(identity)).profileData.Points).toBe(7)
  })

  it('normalises accepted spellings with the catalogue and stores dates as $D_', async () => {
    const identity = fresh('norm')
    const reply = await sandbox.upload([
      {
        identity,
        type: 'profile',
        profileData: {
          Gender: 'female',
          Age: '18',
          DOB: '1990-05-22',
          'MSG-email': false,
          'Last Order': '$D_19920522',
        },
      },
    ])
    expect(reply.status).toBe('success')
    expect((await sandbox.profileByIdentity(identity)).profileData).toEqual({
      Gender: 'F',
      Age: 18,
      DOB: '$D_643334400',
      'MSG-email': false,
      'Last Order': '$D_706492800',
    })
  })

  it('creates a profile for an unknown identity and updates it on the next upload', async () => {
    const identity = fresh('upsert')
    await sandbox.upload([{ identity, type: 'profile', profileData: { Name: 'First', Plan: 'free' } }])
    await sandbox.upload([{ identity, type: 'profile', profileData: { Name: 'Second' } }])
    const record = await sandbox.profileByIdentity(identity)
    expect(record.name).toBe('Second')
    expect(record.profileData.Plan).toBe('free')
  })

  it('attaches an identity to the anonymous profile of a known objectId (the first login)', async () => {
    const objectId = `-${'a'.repeat(31)}${counter}`
    await sandbox.upload([{ objectId, type: 'event', evtName: 'Page viewed', ts: 1700000000 }])
    const identity = fresh('login')
    await sandbox.upload([{ objectId, identity, type: 'profile', profileData: { Name: 'Ann' } }])
    const record = await sandbox.profileByIdentity(identity)
    expect(record.platformInfo).toEqual([{ objectId }])
    expect(record.events['Page viewed']?.count).toBe(1)
  })

  it('refuses a multi-value of more than 100 items and a custom value over 512 bytes', async () => {
    const identity = fresh('limits')
    const items = Array.from({ length: 101 }, (_, i) => `item${i}`)
    const reply = await sandbox.upload([
      { identity, type: 'profile', profileData: { Tags: items } },
      { identity, type: 'profile', profileData: { Bio: 'x'.repeat(513) } },
      { identity, type: 'profile', profileData: { ['k'.repeat(121)]: 'v' } },
      { identity, type: 'profile', profileData: { 'a.b': 'v' } },
    ])
    expect(reply.status).toBe('fail')
    expect(reply.unprocessed.map((u) => u.code)).toEqual([555, 555, 555, 555])
    expect(reply.unprocessed[0]?.error).toMatch(
      /^Profile data is incorrect\. Tags \["item0",.*… has 101 items \(at most 100 items\)\. Skipped record number : 1$/,
    )
    expect(reply.unprocessed[1]?.error).toMatch(
      /^Profile data is incorrect\. Bio "x+… is too long \(at most 512 bytes/,
    )
    expect(reply.unprocessed[2]?.error).toMatch(/Property key "k+… is too long \(1 to 120 bytes/)
    expect(reply.unprocessed[3]?.error).toMatch(
      /Property key "a\.b" contains a character that is not allowed/,
    )
  })

  it('refuses a 257th custom key but keeps a profile with 256', async () => {
    const identity = fresh('keys')
    const data: Record<string, number> = {}
    for (let i = 0; i < 256; i++) data[`key${i}`] = i
    expect((await sandbox.upload([{ identity, type: 'profile', profileData: data }])).status).toBe('success')
    const reply = await sandbox.upload([{ identity, type: 'profile', profileData: { key256: 1 } }])
    expect(reply.unprocessed[0]?.code).toBe(555)
    expect(reply.unprocessed[0]?.error).toContain('at most 256 custom keys per profile')
  })

  it('refuses $incr on text, a zero amount, and an unknown operation', async () => {
    const identity = fresh('badops')
    await sandbox.upload([{ identity, type: 'profile', profileData: { Plan: 'gold' } }])
    const reply = await sandbox.upload([
      { identity, type: 'profile', profileData: { Plan: { $incr: 1 } } },
      { identity, type: 'profile', profileData: { Points: { $incr: 0 } } },
      { identity, type: 'profile', profileData: { Points: { $multiply: 2 } } },
    ])
    expect(reply.unprocessed.map((u) => u.error)).toEqual([
      'Profile data is incorrect. Plan "gold" cannot take $incr ($incr applies to a number property). Skipped record number : 1',
      'Profile data is incorrect. Points 0 is not a valid $incr amount (expected a number greater than 0). Skipped record number : 2',
      'Profile data is incorrect. Points {"$multiply":2} is not a known operation (an operation object holds exactly one of $set, $add, $remove, $delete, $incr, $decr). Skipped record number : 3',
    ])
    expect((await sandbox.profileByIdentity(identity)).profileData).toEqual({ Plan: 'gold' })
  })
})

describe('per-record error codes and messages', () => {
  const base = (profileData: Record<string, unknown>) => ({
    identity: fresh('bad'),
    ts: 1488267393,
    type: 'profile',
    profileData: {
      Name: 'John Rush',
      Email: 'example@gmail.com',
      Gender: 'M',
      Phone: '+35922333232',
      ...profileData,
    },
  })

  it.each([
    [514, { Gender: 'GG' }, 'Profile data is incorrect. Gender needs to be M/F.Skipped record number : 1'],
    [515, { Email: '1234' }, 'Profile data is incorrect. Email is not valid.Skipped record number : 1'],
    [516, { Phone: '223' }, 'Profile data is incorrect. Phone number is not valid.Skipped record number : 1'],
    [
      517,
      { Employed: '223' },
      'Profile data is incorrect. Employed needs to be Y/N.Skipped record number : 1',
    ],
    [
      518,
      { Education: '223' },
      'Profile data is incorrect. Education needs to be School/College/Graduate..Skipped record number : 1',
    ],
    [519, { Married: '223' }, 'Profile data is incorrect. Married needs to be Y/N.Skipped record number : 1'],
    [520, { Age: 'aa' }, 'Profile data is incorrect. Age is invalid.Skipped record number : 1'],
  ])('%i with the recorded message', async (code, profileData, error) => {
    const record = base(profileData)
    const reply = await sandbox.upload([record])
    expect(reply.status).toBe('fail')
    expect(reply.processed).toBe(0)
    expect(reply.unprocessed).toHaveLength(1)
    expect(reply.unprocessed[0]).toMatchObject({ status: 'fail', code, error })
    // Nothing of a skipped record is written.
    const lookup = await sandbox.get(`/1/profile.json?identity=${record.identity}`)
    expect(lookup.body.status).toBe('fail')
  })

  it('echoes the record with Phone as a number without +, as the service does', async () => {
    const record = base({ Email: 'nope' })
    const reply = await sandbox.upload([record])
    expect(reply.unprocessed[0]?.record).toEqual({
      ...record,
      profileData: { ...record.profileData, Phone: 35922333232 },
    })
  })

  it('523 for a missing or empty identifier, with the recorded message', async () => {
    const reply = await sandbox.upload([
      { identity: '', ts: 1488267395, type: 'profile', profileData: { Name: 'John Rush' } },
      { ts: 1488804947, type: 'event', evtName: 'register', evtData: { 'User ID': 555 } },
    ])
    expect(reply.unprocessed.map((u) => [u.code, u.error])).toEqual([
      [
        523,
        "'identity' or 'fbId' or 'gpId' or 'objectId' is necessary under 120 chars to identify the user. Skipped record number : 1",
      ],
      [
        523,
        "'identity' or 'fbId' or 'gpId' or 'objectId' is necessary under 120 chars to identify the user. Skipped record number : 2",
      ],
    ])
  })

  it('523 for a placeholder identity such as "null" or "N/A"', async () => {
    const reply = await sandbox.upload([
      { identity: 'null', type: 'profile', profileData: { Name: 'x' } },
      { identity: 'N/A', type: 'event', evtName: 'Signed up' },
    ])
    expect(reply.unprocessed.map((u) => u.code)).toEqual([523, 523])
    expect(reply.unprocessed[0]?.error).toMatch(
      /^Identity "null" is a placeholder \(identifiers may not be a placeholder such as undefined, null, na, n\/a, 0.*\)\. Skipped record number : 1$/,
    )
  })

  it('525 for ts 0, a negative ts and a millisecond ts', async () => {
    const reply = await sandbox.upload([
      { identity: fresh('ts'), ts: 0, type: 'profile', profileData: { Name: 'x' } },
      { identity: fresh('ts'), ts: -5, type: 'event', evtName: 'x' },
      { identity: fresh('ts'), ts: 1488267393000, type: 'event', evtName: 'x' },
    ])
    expect(reply.unprocessed.map((u) => [u.code, u.error])).toEqual([
      [525, 'Timestamp should be present in the Unix Epoch format. Skipped record number : 1'],
      [525, 'Timestamp should be present in the Unix Epoch format. Skipped record number : 2'],
      [525, 'Timestamp should be present in the Unix Epoch format. Skipped record number : 3'],
    ])
  })

  it('509 for an event without a name, 513 for a restricted system event', async () => {
    const reply = await sandbox.upload([
      { identity: fresh('evt'), type: 'event', evtData: { a: 1 } },
      { identity: fresh('evt'), type: 'event', evtName: '  ' },
      { identity: fresh('evt'), type: 'event', evtName: 'App Launched' },
      { identity: fresh('evt'), type: 'event', evtName: 'Notification Clicked' },
    ])
    expect(reply.unprocessed.map((u) => [u.code, u.error])).toEqual([
      [509, 'Event name is mandatory. Skipped record number : 1'],
      [509, 'Event name is mandatory. Skipped record number : 2'],
      [
        513,
        'Event Name is incorrect. ErrorCode: 513 - Trying to raise a restricted system event. Skipped record number : 3',
      ],
      [
        513,
        'Event Name is incorrect. ErrorCode: 513 - Trying to raise a restricted system event. Skipped record number : 4',
      ],
    ])
  })

  it('512 for evtData or profileData that is not an object', async () => {
    const reply = await sandbox.upload([
      { identity: fresh('s'), type: 'event', evtName: 'x', evtData: [1, 2] },
      { identity: fresh('s'), type: 'profile', profileData: 'Name=Ann' },
    ])
    expect(reply.unprocessed.map((u) => [u.code, u.error])).toEqual([
      [512, 'Invalid event structure: evtData [1,2] is not an object. Skipped record number : 1'],
      [512, 'Invalid profile structure: profileData "Name=Ann" is not an object. Skipped record number : 2'],
    ])
  })

  it('522 when an event passes the property limits', async () => {
    const many: Record<string, number> = {}
    for (let i = 0; i < 257; i++) many[`p${i}`] = i
    const reply = await sandbox.upload([
      { identity: fresh('lim'), type: 'event', evtName: 'x', evtData: many },
      {
        identity: fresh('lim'),
        type: 'event',
        evtName: 'Charged',
        evtData: { Items: [{ Note: 'n'.repeat(513) }] },
      },
    ])
    expect(reply.unprocessed.map((u) => u.code)).toEqual([522, 522])
    expect(reply.unprocessed[0]?.error).toBe(
      'Event properties limit exceeded: 257 properties (at most 256 per event). Skipped record number : 1',
    )
    expect(reply.unprocessed[1]?.error).toMatch(
      /^Event properties limit exceeded: value "n+… \(text values at most 512 bytes\)\. Skipped record number : 2$/,
    )
  })

  it('524 for a record that is neither an event nor a profile', async () => {
    const reply = await sandbox.upload([{ identity: fresh('t'), type: 'user', profileData: {} }, 'just text'])
    expect(reply.unprocessed.map((u) => [u.code, u.error, u.record])).toEqual([
      [
        524,
        "Record is neither an event nor a profile: 'type' must be 'event' or 'profile'. Skipped record number : 1",
        { identity: expect.any(String), type: 'user', profileData: {} },
      ],
      [
        524,
        "Record is neither an event nor a profile: 'type' must be 'event' or 'profile'. Skipped record number : 2",
        'just text',
      ],
    ])
  })

  it('526 for an objectId that is not a CleverTap ID', async () => {
    const reply = await sandbox.upload([
      { objectId: 'has spaces in it', type: 'event', evtName: 'x' },
      { objectId: 12345, type: 'profile', profileData: {} },
    ])
    expect(reply.unprocessed.map((u) => u.code)).toEqual([526, 526])
    expect(reply.unprocessed[0]?.error).toBe(
      'objectId is invalid. "has spaces in it": expected 1 to 128 characters of A-Z a-z 0-9 ( ) ! : @ $ _ -, not a placeholder. Skipped record number : 1',
    )
  })

  it('555 when a record names identifiers of two different profiles', async () => {
    const first = fresh('merge')
    const second = fresh('merge')
    await sandbox.upload([
      { identity: first, FBID: `fb-${first}`, type: 'profile', profileData: {} },
      { identity: second, type: 'profile', profileData: {} },
    ])
    const reply = await sandbox.upload([
      { identity: second, FBID: `fb-${first}`, type: 'profile', profileData: { Name: 'x' } },
    ])
    expect(reply.unprocessed[0]?.code).toBe(555)
    expect(reply.unprocessed[0]?.error).toBe(
      `FBID "fb-${first}" belongs to another profile; the sandbox does not merge profiles. Skipped record number : 1`,
    )
  })
})

describe('the envelope', () => {
  it('is partial with 1-based record numbers when some records fail', async () => {
    const reply = await sandbox.upload([
      { identity: fresh('env'), type: 'profile', profileData: { Name: 'ok' } },
      { identity: fresh('env'), type: 'profile', profileData: { Email: 'bad' } },
      { identity: fresh('env'), type: 'event', evtName: 'Signed up' },
      { identity: fresh('env'), type: 'profile', profileData: { Gender: 'x' } },
    ])
    expect(reply.status).toBe('partial')
    expect(reply.processed).toBe(2)
    expect(reply.unprocessed.map((u) => u.error)).toEqual([
      'Profile data is incorrect. Email is not valid.Skipped record number : 2',
      'Profile data is incorrect. Gender needs to be M/F.Skipped record number : 4',
    ])
  })

  it('validates but writes nothing with ?dryRun=1', async () => {
    const identity = fresh('dry')
    const reply = await sandbox.post('/1/upload?dryRun=1', {
      d: [
        { identity, type: 'profile', profileData: { Name: 'Dry' } },
        { identity, type: 'profile', profileData: { Email: 'bad' } },
      ],
    })
    expect(reply.body).toMatchObject({ status: 'partial', processed: 1 })
    expect((await sandbox.get(`/1/profile.json?identity=${identity}`)).body.status).toBe('fail')
  })

  it('keeps event summaries: count, first_seen and last_seen from ts, in any arrival order', async () => {
    const identity = fresh('summary')
    await sandbox.upload([
      { identity, ts: 1700000500, type: 'event', evtName: 'Played' },
      { identity, ts: 1700000100, type: 'event', evtName: 'Played' },
      { identity, ts: 1700000900, type: 'event', evtName: 'Played' },
      { identity, ts: 1700000200, type: 'event', evtName: 'Won' },
    ])
    const record = await sandbox.profileByIdentity(identity)
    expect(record.events).toEqual({
      Played: { count: 3, first_seen: 1700000100, last_seen: 1700000900 },
      Won: { count: 1, first_seen: 1700000200, last_seen: 1700000200 },
    })
  })
})
