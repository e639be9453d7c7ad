// Just enough of the official `clevertap` npm client (1.3.0, CommonJS, untyped) for the conformance tests.
// Its promises never reject on network errors: they resolve with the string "error" (TOOLCHAIN.md §8).

declare module 'clevertap' {
  export interface CleverTapRecord {
    type: 'profile' | 'event'
    [field: string]: unknown
  }

  export interface CleverTapClient {
    /** Public; pointing it at `${sandbox.baseUrl}/1` is the only way to use another server. */
    api: { apiEndpoint: string }
    upload(
      records: readonly CleverTapRecord[],
      options?: { batchSize?: number; debug?: number },
    ): Promise<unknown>
    profile(options: { email?: string; identity?: string; objectId?: string }): Promise<unknown>
    profiles(query: object, options?: { batchSize?: number }): Promise<unknown>
    delete(query: { identity?: string | string[]; guid?: string | string[] }): Promise<unknown>
  }

  const CleverTap: {
    REGIONS: Readonly<Record<'EUROPE' | 'INDIA' | 'SINGAPORE' | 'US' | 'INDONESIA' | 'MIDDLEEAST', string>>
    init(accountId: string, passcode: string, region?: string): CleverTapClient
  }
  export default CleverTap
}
