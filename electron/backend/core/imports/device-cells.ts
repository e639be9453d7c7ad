// The device columns of a CSV row (push token, platform, token type, app version), read and checked the
// same way for profile and event files: an empty token is no token; a platform or token type nobody
// knows rejects the row (the Failure Description says which values are taken).
import type { ImportMapping } from '../../../../shared/ipc/channels/imports'
import { describeValue } from '../../../../shared/profile/catalogue'
import { knownPlatform, PLATFORMS, type Platform } from '../../../../shared/reachability/rules'

/** A device's values as one row gives them (null: the cell is empty or the column is not mapped). */
export interface DeviceCells {
  pushToken: string | null
  platform: Platform | null
  tokenType: string | null
  appVersion: string | null
}

export type DeviceCellsResult =
  { ok: true; device: DeviceCells | null } | { ok: false; column: string; value: string; reason: string }

/** Tokens are opaque (FCM, APNs hex, a web push subscription's JSON); this bounds a runaway cell. */
const MAX_TOKEN = 4096
const TOKEN_TYPE = /^[a-z][a-z0-9_-]{0,31}$/
const MAX_APP_VERSION = 64

interface Column {
  index: number
  header: string
}

export class DeviceColumns {
  private readonly token: Column | null
  private readonly platform: Column | null
  private readonly tokenType: Column | null
  private readonly appVersion: Column | null

  constructor(mapping: ImportMapping) {
    const find = (kind: string): Column | null => {
      const c = mapping.columns.find((entry) => entry.target.kind === kind)
      return c === undefined ? null : { index: c.index, header: c.column }
    }
    this.token = find('pushToken')
    this.platform = find('platform')
    this.tokenType = find('tokenType')
    this.appVersion = find('appVersion')
  }

  /** Whether the mapping has any device column (else no row has a device to write). */
  get mapped(): boolean {
    return this.token !== null || this.platform !== null || this.appVersion !== null
  }

  read(cells: readonly string[]): DeviceCellsResult {
    if (!this.mapped) return { ok: true, device: null }
    const cell = (c: Column | null) => (c === null ? '' : (cells[c.index] ?? '').trim())
    const token = cell(this.token)
    if (token.length > MAX_TOKEN) {
      return this.problem(
        this.token,
        token,
        `Push token is ${token.length} characters long; a token has at most ${MAX_TOKEN}.`,
      )
    }
    const platformText = cell(this.platform)
    const platform = platformText === '' ? null : knownPlatform(platformText)
    if (platformText !== '' && platform === null) {
      return this.problem(
        this.platform,
        platformText,
        `Platform ${describeValue(platformText)} is not one of ${PLATFORMS.join(', ')} (android, ios, iphone, web and browser are read too): correct it or leave the cell empty.`,
      )
    }
    const typeText = cell(this.tokenType).toLowerCase()
    if (typeText !== '' && !TOKEN_TYPE.test(typeText)) {
      return this.problem(
        this.tokenType,
        typeText,
        `Token type ${describeValue(typeText)} is not a token type (a word such as fcm, apns, webpush or wns).`,
      )
    }
    const appVersion = cell(this.appVersion)
    if (appVersion.length > MAX_APP_VERSION) {
      return this.problem(
        this.appVersion,
        appVersion,
        `App version is ${appVersion.length} characters long; at most ${MAX_APP_VERSION}.`,
      )
    }
    if (token === '' && platform === null && appVersion === '') return { ok: true, device: null }
    return {
      ok: true,
      device: {
        pushToken: token === '' ? null : token,
        platform,
        tokenType: token === '' || typeText === '' ? null : typeText,
        appVersion: appVersion === '' ? null : appVersion,
      },
    }
  }

  private problem(column: Column | null, value: string, reason: string): DeviceCellsResult {
    return { ok: false, column: column?.header ?? '', value, reason }
  }
}
