// One SFTP connection (ssh2-sftp-client) with the host key pinned: the server's key is checked against
// the trusted SHA-256 fingerprint before anything (a password, a key signature) is sent. Failures become
// an SftpFailure naming exactly what went wrong, and whether trying again could help.
import { createWriteStream, type WriteStream } from 'node:fs'
import { rm } from 'node:fs/promises'
import { posix } from 'node:path'
import { Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import SftpClient from 'ssh2-sftp-client'
import type { SFTPWrapper } from 'ssh2'
import type { Logger } from '../platform/logger'
import { DROPPED, describeDetail, errorCode, requestFailure, SftpFailure } from './failure'
import { hostKeyOf, sameFingerprint, type HostKey } from './fingerprint'
import { keyProblem } from './private-key'
import { ByteLimitExceeded, Meter, type ByteLimit } from './size-limit'

export interface ConnectSpec {
  host: string
  port: number
  username: string
  auth: 'password' | 'key'
  password: string | null
  privateKey: string | null
  passphrase: string | null
  /** The trusted fingerprint; null: none yet (the connection stops after reading the server's key). */
  hostKey: string | null
}

export interface ConnectTimeouts {
  connectTimeoutMs: number
  requestTimeoutMs: number
}

export interface RemoteEntry {
  name: string
  kind: 'file' | 'folder' | 'other'
  size: number
  /** Modification time, epoch ms (SFTP carries whole seconds). */
  mtime: number
}

export interface RemoteStat {
  size: number
  mtime: number
  isFolder: boolean
  isFile: boolean
}

export interface Downloaded {
  bytes: number
  sha256: string
}

export interface SftpSession {
  readonly hostKey: HostKey
  /** False once the connection ended (closed by us, or lost). */
  readonly alive: boolean
  list(folder: string): Promise<RemoteEntry[]>
  /** Null when nothing exists at the path. */
  stat(path: string): Promise<RemoteStat | null>
  /** A small file whole (a manifest); rejects with ByteLimitExceeded once more than the limit arrived. */
  read(path: string, limit: ByteLimit): Promise<Buffer>
  /**
   * Streams a file to a new file `destination` (0600), hashing and counting as it goes; a stall or a lost
   * connection rejects retryably, more bytes than the limit with ByteLimitExceeded. A partial file is removed.
   */
  download(
    path: string,
    destination: string,
    options: { signal: AbortSignal; stallTimeoutMs: number; limit: ByteLimit; onBytes(bytes: number): void },
  ): Promise<Downloaded>
  mkdir(path: string): Promise<void>
  rename(from: string, to: string): Promise<void>
  remove(path: string): Promise<void>
  close(): Promise<void>
}

/** A failure while connecting and logging in, in plain words. */
export function connectFailure(
  error: unknown,
  spec: ConnectSpec,
  seen: HostKey | null,
  timeoutMs: number,
): SftpFailure {
  const code = errorCode(error)
  const detail = describeDetail(error)
  const where = `${spec.host}:${spec.port}`
  if (/Host denied|verification failed/i.test(detail) && seen) {
    const type = seen.type ? `${seen.type} ` : ''
    if (spec.hostKey === null) {
      return new SftpFailure(
        'untrusted',
        `The server presented the ${type}host key ${seen.fingerprint}. No key is trusted for this source yet, so ` +
          'nothing was sent to it. Compare the fingerprint with the one the server’s administrator gives you ' +
          '(ssh-keygen -lf on the server’s host key) and trust it only if they match.',
        false,
        seen,
      )
    }
    return new SftpFailure(
      'host_key_mismatch',
      `The server’s host key has changed: ${where} presented ${seen.fingerprint}, but ${spec.hostKey} is the key ` +
        'trusted for this source. Someone may be intercepting the connection (a man-in-the-middle), or the server ' +
        'was reinstalled. Nothing was sent and nothing was imported. Ask the server’s administrator before trusting ' +
        'the new key.',
      false,
      seen,
    )
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || /getaddrinfo/i.test(detail)) {
    return new SftpFailure(
      'dns',
      `The host name "${spec.host}" could not be found (DNS lookup failed). Check the spelling, or use the server’s IP address.`,
      code === 'EAI_AGAIN',
    )
  }
  if (code === 'ECONNREFUSED') {
    return new SftpFailure(
      'refused',
      `${where} refused the connection: no SFTP server is listening there. Check the host and the port ` +
        '(SFTP usually uses 22), and that the server is running.',
      true,
    )
  }
  if (code === 'ETIMEDOUT' || /Timed out while waiting for handshake|timed out/i.test(detail)) {
    return new SftpFailure(
      'timeout',
      `${where} did not answer within ${Math.round(timeoutMs / 1000)} s. Check the host and port, and that no ` +
        'firewall or VPN is in the way.',
      true,
      seen,
    )
  }
  if (/All configured authentication methods failed|authentication/i.test(detail)) {
    const secret = spec.auth === 'password' ? 'password' : 'private key'
    return new SftpFailure(
      'auth',
      `The server refused the ${secret} for user "${spec.username}" (authentication failed). Check the user name ` +
        `and the ${secret}${spec.auth === 'key' ? '; the key’s public half must be in the server’s authorized_keys' : ''}.`,
      false,
      seen,
    )
  }
  if (/privateKey|passphrase|Encrypted private/i.test(detail)) {
    return new SftpFailure('key_invalid', keyProblem(detail), false, seen)
  }
  if (
    DROPPED.test(detail) ||
    DROPPED.test(String(code)) ||
    code === 'EHOSTUNREACH' ||
    code === 'ENETUNREACH'
  ) {
    return new SftpFailure('failed', `The connection to ${where} was lost: ${detail}.`, true, seen)
  }
  return new SftpFailure('failed', `Could not connect to ${where}: ${detail}.`, false, seen)
}

/** Ends a connection; never waits long for a server that stopped answering. */
async function endQuietly(client: SftpClient): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  await Promise.race([
    client.end().catch(() => undefined),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, 3_000)
    }),
  ])
  clearTimeout(timer)
}

function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => SftpFailure): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(onTimeout()), ms)
    }),
  ]).finally(() => clearTimeout(timer))
}

/** Connects, checks the host key and logs in. Rejects with an SftpFailure. */
export async function openSession(
  spec: ConnectSpec,
  timeouts: ConnectTimeouts,
  logger: Logger,
): Promise<SftpSession> {
  let alive = false
  const client = new SftpClient('profile-desk', {
    // The library's default callbacks print to the console; ours note the loss (no secrets in them).
    error: (error) => {
      alive = false
      logger.info(`sftp ${spec.host}:${spec.port}: ${describeDetail(error)}`)
    },
    end: () => {
      alive = false
    },
    close: () => {
      alive = false
    },
  })
  let seen: HostKey | null = null
  const credentials =
    spec.auth === 'password'
      ? { password: spec.password ?? '' }
      : { privateKey: spec.privateKey ?? '', ...(spec.passphrase ? { passphrase: spec.passphrase } : {}) }
  let sftp: SFTPWrapper
  try {
    sftp = await withTimeout(
      client.connect({
        host: spec.host,
        port: spec.port,
        username: spec.username,
        ...credentials,
        tryKeyboard: false,
        readyTimeout: timeouts.connectTimeoutMs,
        // A connection that went silent (a cable pulled, a laptop asleep) is found within ~30 s.
        keepaliveInterval: 10_000,
        keepaliveCountMax: 3,
        retries: 0,
        hostVerifier: (key: Buffer) => {
          seen = hostKeyOf(key)
          return spec.hostKey !== null && sameFingerprint(seen.fingerprint, spec.hostKey)
        },
      }),
      timeouts.connectTimeoutMs + 5_000,
      () =>
        new SftpFailure(
          'timeout',
          `${spec.host}:${spec.port} did not finish the SSH handshake in time.`,
          true,
          seen,
        ),
    )
  } catch (error) {
    await endQuietly(client)
    throw error instanceof SftpFailure ? error : connectFailure(error, spec, seen, timeouts.connectTimeoutMs)
  }
  alive = true
  const hostKey = seen as HostKey | null
  if (!hostKey) {
    await endQuietly(client)
    throw new SftpFailure('failed', 'The server’s host key could not be read.', false)
  }
  const request = <T>(work: Promise<T>, path: string, what: string): Promise<T> =>
    withTimeout(work, timeouts.requestTimeoutMs, () => {
      alive = false
      void endQuietly(client)
      return new SftpFailure(
        'timeout',
        `The server did not answer within ${Math.round(timeouts.requestTimeoutMs / 1000)} s when asked to ${what} "${path}".`,
        true,
      )
    }).catch((error: unknown) => {
      throw requestFailure(error, path, what)
    })

  /**
   * Streams `path` into `sink`, counting and hashing on the wire: past the limit, or with no data for the
   * stall time, or when the connection drops, the read stops and the promise rejects.
   */
  const transfer = async (
    path: string,
    sink: Writable,
    options: { signal?: AbortSignal; stallTimeoutMs: number; limit: ByteLimit; onBytes(bytes: number): void },
    what: 'read' | 'download',
  ): Promise<Downloaded> => {
    const source = sftp.createReadStream(path)
    let stall: NodeJS.Timeout | undefined
    const failWith = (failure: SftpFailure) => source.destroy(failure)
    const arm = () => {
      clearTimeout(stall)
      stall = setTimeout(
        () =>
          failWith(
            new SftpFailure(
              'timeout',
              `No data arrived for ${Math.round(options.stallTimeoutMs / 1000)} s while trying to ${what} "${path}".`,
              true,
            ),
          ),
        options.stallTimeoutMs,
      )
    }
    const onLost = () =>
      failWith(new SftpFailure('failed', `The connection was lost while trying to ${what} "${path}".`, true))
    client.on('close', onLost)
    const counter = new Meter(options.limit, posix.basename(path), (bytes) => {
      arm()
      options.onBytes(bytes)
    })
    arm()
    try {
      await pipeline(source, counter, sink, options.signal ? { signal: options.signal } : {})
    } catch (error) {
      if (options.signal?.aborted) throw error
      if (error instanceof SftpFailure || error instanceof ByteLimitExceeded) throw error
      throw requestFailure(error, path, what)
    } finally {
      clearTimeout(stall)
      client.removeListener('close', onLost)
    }
    return { bytes: counter.bytes, sha256: counter.sha256() }
  }

  return {
    hostKey,
    get alive() {
      return alive
    },
    async list(folder) {
      const entries = await request(client.list(folder), folder, 'list')
      return entries.map((entry) => ({
        name: entry.name,
        kind: entry.type === '-' ? 'file' : entry.type === 'd' ? 'folder' : 'other',
        size: entry.size,
        mtime: entry.modifyTime,
      }))
    },
    async stat(path) {
      try {
        const stats = await request(client.stat(path), path, 'read the details of')
        return {
          size: stats.size,
          mtime: stats.modifyTime,
          isFolder: stats.isDirectory,
          isFile: stats.isFile,
        }
      } catch (error) {
        if (error instanceof SftpFailure && error.outcome === 'folder_missing') return null
        throw error
      }
    },
    async read(path, limit) {
      const chunks: Buffer[] = []
      const sink = new Writable({
        write(chunk: Buffer, _encoding, done) {
          chunks.push(chunk)
          done()
        },
      })
      await transfer(
        path,
        sink,
        { stallTimeoutMs: timeouts.requestTimeoutMs, limit, onBytes: () => {} },
        'read',
      )
      return Buffer.concat(chunks)
    },
    async download(path, destination, options) {
      // Private to this user (the spool holds personal data), and never over something already there.
      const sink = createWriteStream(destination, { flags: 'wx', mode: 0o600 })
      let created = false
      sink.once('open', () => (created = true))
      try {
        // The local file exists before the first byte is asked for, so nothing arrives ahead of it.
        await ready(sink)
        return await transfer(path, sink, options, 'download')
      } catch (error) {
        // The local file may still be opening (the open runs on Node's thread pool, and on a busy machine
        // the bytes past a limit can arrive first): wait until the stream is closed, then remove it.
        await closed(sink)
        if (created) await rm(destination, { force: true })
        throw error
      }
    },
    async mkdir(path) {
      await request(client.mkdir(path), path, 'create the folder')
    },
    async rename(from, to) {
      await request(client.rename(from, to), from, `move (to "${to}")`)
    },
    async remove(path) {
      await request(client.delete(path), path, 'delete')
    },
    async close() {
      alive = false
      await endQuietly(client)
    },
  }
}

/** Resolves once a write stream's file is open; rejects with the open's error (an existing file, say). */
function ready(stream: WriteStream): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!stream.pending) return resolve()
    stream.once('ready', () => {
      stream.off('error', reject)
      resolve()
    })
    stream.once('error', reject)
  })
}

/** Destroys a write stream and resolves once its file is closed (also when it was still opening). */
function closed(stream: WriteStream): Promise<void> {
  return new Promise((resolve) => {
    if (stream.closed) return resolve()
    stream.once('close', () => resolve())
    stream.destroy()
  })
}
