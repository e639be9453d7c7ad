// "Test connection": connect, check the host key, log in, open the folder and count the files matching
// the pattern; the answer names exactly what failed (DNS, refused, timeout, host key not trusted yet or
// changed, authentication, folder missing, permission denied). With no trusted key, the connection stops
// once the server's key is read: nothing (no password, no key signature) is sent to an unverified server.
import type { SftpTestResult } from '../../../../shared/ipc/channels/sftp'
import type { Logger } from '../platform/logger'
import { openSession, type ConnectSpec, type ConnectTimeouts } from './connection'
import { SftpFailure } from './failure'
import { checkPrivateKey } from './private-key'
import { matchesPattern } from './glob'
import { isManifestName } from './manifest'

function failed(failure: SftpFailure): SftpTestResult {
  return {
    ok: false,
    outcome: failure.outcome,
    message: failure.message,
    fingerprint: failure.hostKey?.fingerprint ?? null,
    keyType: failure.hostKey?.type ?? null,
    matching: null,
    latencyMs: null,
  }
}

function missing(message: string): SftpTestResult {
  return {
    ok: false,
    outcome: 'missing_secret',
    message,
    fingerprint: null,
    keyType: null,
    matching: null,
    latencyMs: null,
  }
}

export async function testConnection(
  spec: ConnectSpec,
  target: { folder: string; pattern: string },
  timeouts: ConnectTimeouts,
  logger: Logger,
): Promise<SftpTestResult> {
  // Without a trusted key the login is never attempted, so the secrets are not needed yet.
  if (spec.hostKey !== null) {
    if (spec.auth === 'password' && !spec.password)
      return missing('No password is given or stored for this source.')
    if (spec.auth === 'key') {
      if (!spec.privateKey) return missing('No private key is given or stored for this source.')
      const problem = checkPrivateKey(spec.privateKey, spec.passphrase)
      if (problem) {
        return {
          ok: false,
          outcome: 'key_invalid',
          message: problem,
          fingerprint: null,
          keyType: null,
          matching: null,
          latencyMs: null,
        }
      }
    }
  }
  const started = Date.now()
  let session
  try {
    session = await openSession(spec, timeouts, logger)
  } catch (error) {
    if (error instanceof SftpFailure) return failed(error)
    throw error
  }
  const latencyMs = Date.now() - started
  const key = session.hostKey
  try {
    const stat = await session.stat(target.folder)
    if (!stat) {
      return failed(
        new SftpFailure(
          'folder_missing',
          `Logged in as ${spec.username}, but the folder "${target.folder}" does not exist on the server. ` +
            'Check the folder (a path like /in, or relative to the login folder).',
          false,
          key,
        ),
      )
    }
    if (!stat.isFolder) {
      return failed(
        new SftpFailure(
          'not_a_folder',
          `"${target.folder}" on the server is a file, not a folder.`,
          false,
          key,
        ),
      )
    }
    const entries = await session.list(target.folder)
    const matching = entries.filter(
      (e) => e.kind === 'file' && !isManifestName(e.name) && matchesPattern(e.name, target.pattern),
    ).length
    return {
      ok: true,
      outcome: 'ok',
      message:
        `Connected to ${spec.host}:${spec.port} as ${spec.username}. "${target.folder}" holds ${matching} ` +
        `${matching === 1 ? 'file' : 'files'} matching ${target.pattern}.`,
      fingerprint: key.fingerprint,
      keyType: key.type,
      matching,
      latencyMs,
    }
  } catch (error) {
    if (!(error instanceof SftpFailure)) throw error
    if (error.outcome === 'permission') {
      return failed(
        new SftpFailure(
          'permission',
          `Logged in as ${spec.username}, but the server does not let this user read the folder "${target.folder}" ` +
            '(permission denied). Ask the server’s administrator for access, or choose another folder.',
          false,
          key,
        ),
      )
    }
    return failed(new SftpFailure(error.outcome, error.message, error.retryable, key))
  } finally {
    await session.close()
  }
}
