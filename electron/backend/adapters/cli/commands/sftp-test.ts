// `profile-desk sftp test NAME`: the editor's "Test connection" for a saved source, with optional changes
// (--host, --port, --user, --trust) to check before saving them. A stored password or key only goes where
// it was saved for: with any of those changed, give it again (--password-file / --key-file) or the test is
// refused (exit 2). Exit 0 when the connection works, 1 when it does not.
import type { Command } from 'commander'
import type { SftpSourceView, SourceFields } from '../../../../../shared/ipc/channels/sftp'
import { EXIT_ERROR, EXIT_OK } from '../exit-codes'
import type { CommandDeps } from '../io'
import { withBackend } from '../open-backend'
import { port } from '../options'
import { secretsFromFiles, sourceByName, type SecretFileOptions } from './sftp-shared'

interface TestOptions extends SecretFileOptions {
  host?: string
  port?: number
  user?: string
  trust?: string
  json?: boolean
  dataDir?: string
}

/** The saved settings with the command line's changes; a secret file given also says the login kind. */
function settingsFor(saved: SftpSourceView, options: TestOptions): SourceFields {
  return {
    name: saved.name,
    host: options.host ?? saved.host,
    port: options.port ?? saved.port,
    username: options.user ?? saved.username,
    auth:
      options.keyFile !== undefined ? 'key' : options.passwordFile !== undefined ? 'password' : saved.auth,
    hostKey: options.trust ?? saved.hostKey,
    folder: saved.folder,
    pattern: saved.pattern,
    completion: saved.completion,
    kind: saved.kind,
    mappingName: saved.mappingName,
    after: saved.after,
    schedule: saved.schedule,
  }
}

async function test(name: string, options: TestOptions, deps: CommandDeps): Promise<number> {
  const { io } = deps
  const secrets = secretsFromFiles(options)
  return withBackend(options.dataDir, deps.io, async (backend) => {
    const saved = await sourceByName(backend, name)
    const source = settingsFor(saved, options)
    const result = await backend.call('sftp.sources.test', {
      id: saved.id,
      source,
      ...(secrets ? { secrets } : {}),
    })
    if (options.json) io.stdout(`${JSON.stringify(result, null, 2)}\n`)
    else if (result.ok) io.stdout(`${result.message}\n`)
    else if (result.outcome === 'untrusted') {
      io.stderr(
        `The server ${source.host}:${source.port} presented the ${result.keyType ?? ''} host key\n  ${result.fingerprint}\n` +
          'Check it with the server’s administrator (ssh-keygen -lf on the server’s host key), then test again\n' +
          `with --trust ${result.fingerprint}\n`,
      )
    } else io.stderr(`error: ${result.message}\n`)
    return result.ok ? EXIT_OK : EXIT_ERROR
  })
}

export function registerSftpTestCommand(sftp: Command, deps: CommandDeps): void {
  sftp
    .command('test')
    .description(
      'test a source’s connection, optionally with another host, port, user or host key ' +
        '(then give the password or key again: a stored one only goes where it was saved for)',
    )
    .argument('<name>', 'the source')
    .option('--host <host>', 'test another server')
    .option('--port <port>', 'test another port', port)
    .option('--user <user>', 'test another user name')
    .option('--trust <fingerprint>', 'test with this host key trusted (SHA256:… as ssh-keygen -lf prints it)')
    .option('--password-file <file>', 'a file holding the password to use')
    .option('--key-file <file>', 'a private key file to use (OpenSSH or PEM)')
    .option('--passphrase-file <file>', 'a file holding the private key’s passphrase')
    .option('--json', 'print the result as JSON')
    .option(deps.dataDirOption, deps.dataDirHelp)
    .action(async (name: string, opts: TestOptions) => deps.setExit(await test(name, opts, deps)))
}
