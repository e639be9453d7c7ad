// The official `clevertap` npm client (1.3.0), pointed at the sandbox, does what a real integration does:
// upload profiles and events, look a profile up, download every profile with cursors, delete.

import CleverTap, { type CleverTapClient } from 'clevertap'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ACCOUNT, PASSCODE, startSandbox, type Sandbox } from '../../test-support/sandbox'

let sandbox: Sandbox
let client: CleverTapClient

beforeAll(async () => {
  sandbox = await startSandbox()
  client = CleverTap.init(ACCOUNT, PASSCODE, CleverTap.REGIONS.EUROPE)
  // The client has no base-URL option; its endpoint property is public (TOOLCHAIN.md §8).
  client.api.apiEndpoint = `${sandbox.server.baseUrl}/1`
})
afterAll(async () => {
  await sandbox.stop()
})

describe('the official clevertap client against the sandbox', () => {
  it('uploads profiles and events and gets the success envelope', async () => {
    const reply = await client.upload([
      {
        identity: 'client-1',
        ts: 1468308340,
        type: 'profile',
        profileData: { Name: 'Jack Montana', Email: 'jack+ct@gmail.com', DOB: '$D_1487576752', Plan: 'gold' },
      },
      {
        identity: 'client-1',
        ts: 1468308400,
        type: 'event',
        evtName: 'Charged',
        evtData: { Amount: 300, Currency: 'USD' },
      },
    ])
    expect(reply).toEqual({ status: 'success', processed: 2, unprocessed: [] })
  })

  it('gets the per-record failure back through the client', async () => {
    const reply = await client.upload([
      { identity: 'client-bad', type: 'profile', profileData: { Phone: '223' } },
    ])
    expect(reply).toMatchObject({
      status: 'fail',
      processed: 0,
      unprocessed: [
        {
          status: 'fail',
          code: 516,
          error: 'Profile data is incorrect. Phone number is not valid.Skipped record number : 1',
        },
      ],
    })
  })

  it('looks a profile up by email, identity and objectId', async () => {
    // The client puts the email in the URL unencoded: its '+' must still find the profile.
    const byEmail = (await client.profile({ email: 'jack+ct@gmail.com' })) as {
      status: string
      record: Record<string, unknown>
    }
    expect(byEmail.status).toBe('success')
    expect(byEmail.record).toMatchObject({
      identity: 'client-1',
      name: 'Jack Montana',
      email: 'jack+ct@gmail.com',
      profileData: { DOB: '$D_1487576752', Plan: 'gold' },
      events: { Charged: { count: 1, first_seen: 1468308400, last_seen: 1468308400 } },
    })
    const byIdentity = (await client.profile({ identity: 'client-1' })) as {
      record: { platformInfo: { objectId: string }[] }
    }
    const objectId = byIdentity.record.platformInfo[0]?.objectId
    expect(objectId).toMatch(/^-[0-9a-f]{32}$/)
    const byObjectId = (await client.profile({ objectId: objectId ?? '' })) as {
      record: { identity: string }
    }
    expect(byObjectId.record.identity).toBe('client-1')
    expect(await client.profile({ identity: 'nobody' })).toEqual({
      status: 'fail',
      error: 'User not found for identity "nobody"',
      code: 404,
    })
  })

  it('downloads every profile through the cursor pages', async () => {
    const records = Array.from({ length: 57 }, (_, i) => ({
      identity: `bulk-${String(i).padStart(3, '0')}`,
      type: 'profile' as const,
      profileData: { Name: `Bulk ${i}`, Batch: 'b1' },
    }))
    // Each bulk profile did "Bulk Loaded" on 2024-01-15; the download asks for that event.
    const events = records.map((record) => ({
      identity: record.identity,
      type: 'event' as const,
      ts: 1705312800,
      evtName: 'Bulk Loaded',
      evtData: {},
    }))
    // The client splits into its own batches of at most 100; 57 go in one request.
    expect(await client.upload(records)).toMatchObject({ status: 'success', processed: 57 })
    expect(await client.upload(events)).toMatchObject({ status: 'success', processed: 57 })
    const query = { event_name: 'Bulk Loaded', from: 20240101, to: 20240131 }
    const all = (await client.profiles(query, { batchSize: 10 })) as { identity?: string }[]
    expect(all).toHaveLength(57)
    const identities = all.map((record) => record.identity)
    expect(new Set(identities).size).toBe(57)
    expect(identities).not.toContain('client-1')
    expect(identities).toContain('bulk-056')
    // A range that ends the day before the event finds none of them.
    expect(await client.profiles({ ...query, to: 20240114 }, { batchSize: 10 })).toEqual([])
  })

  it('downloads only the profiles matching a profile_fields equals filter', async () => {
    const query = {
      event_name: 'Charged',
      from: 20160101,
      to: 20161231,
      common_profile_properties: { profile_fields: [{ name: 'Plan', operator: 'equals', value: 'gold' }] },
    }
    const matching = (await client.profiles(query, { batchSize: 23 })) as { identity?: string }[]
    expect(matching.map((record) => record.identity)).toEqual(['client-1'])
  })

  it('deletes by identity', async () => {
    expect(await client.delete({ identity: ['bulk-000', 'bulk-001'] })).toEqual({ status: 'success' })
    expect(await client.profile({ identity: 'bulk-000' })).toMatchObject({ status: 'fail', code: 404 })
    expect(await client.profile({ identity: 'bulk-002' })).toMatchObject({ status: 'success' })
  })

  it('sees a wrong passcode as CleverTap’s 401 body', async () => {
    const stranger = CleverTap.init(ACCOUNT, 'wrong', CleverTap.REGIONS.EUROPE)
    stranger.api.apiEndpoint = `${sandbox.server.baseUrl}/1`
    expect(await stranger.profile({ identity: 'client-1' })).toEqual({
      status: 'fail',
      error: 'Account ID is not valid',
      code: 401,
    })
  })
})
