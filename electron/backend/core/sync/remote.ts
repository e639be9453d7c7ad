// Where the remote API is: a CleverTap region or a custom base URL (the sandbox), resolved to the
// `…/1` base every endpoint hangs off (CLEVERTAP-API.md §0).
import { AppError } from '../../../../shared/ipc/envelope'
import type { RemoteSpec } from '../../../../shared/ipc/channels/sync'
import { regionEndpoint } from '../../../../shared/sync/remote-constants'

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1'])

/**
 * A custom base URL, normalised to end in `/1`. Plain http is accepted only on loopback: the passcode
 * travels in a header and must not cross a network in clear text.
 */
export function normaliseBaseUrl(raw: string): string {
  let url: URL
  try {
    url = new URL(raw.trim())
  } catch {
    throw new AppError(
      'validation',
      `"${raw}" is not a URL; expected e.g. http://127.0.0.1:8080 or https://host/1.`,
      {
        key: 'baseUrl',
        value: raw,
        rule: 'an http(s) URL',
      },
    )
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new AppError('validation', `The base URL must use https (got ${url.protocol}).`, {
      key: 'baseUrl',
      value: raw,
      rule: 'https, or http on 127.0.0.1/localhost',
    })
  }
  if (url.protocol === 'http:' && !LOOPBACK_HOSTS.has(url.hostname)) {
    throw new AppError(
      'validation',
      `Plain http is only allowed on this computer (127.0.0.1 or localhost); use https for ${url.hostname}, the passcode must not travel unencrypted.`,
      { key: 'baseUrl', value: raw, rule: 'https, or http on 127.0.0.1/localhost' },
    )
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new AppError('validation', 'The base URL must not contain a user, password, query or fragment.', {
      key: 'baseUrl',
      value: `${url.protocol}//${url.host}${url.pathname}`,
      rule: 'scheme, host, port and path only',
    })
  }
  const path = url.pathname.replace(/\/+$/, '')
  const withVersion = /\/1$/.test(path) ? path : `${path}/1`
  return `${url.protocol}//${url.host}${withVersion}`
}

export function endpointOf(remote: RemoteSpec): string {
  return remote.kind === 'region' ? regionEndpoint(remote.region) : normaliseBaseUrl(remote.baseUrl)
}
