// Command-line entry of the sandbox API server (`npm run sandbox -- --port P --account A --passcode S`):
// starts it, prints one line with its base URL, and closes it cleanly on SIGINT/SIGTERM.

import { Command, InvalidArgumentError } from 'commander'
import { createSandboxServer, type SandboxOptions } from './server'

function wholeNumber(name: string, min: number, max: number) {
  return (raw: string): number => {
    const n = Number(raw)
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}.`)
    }
    return n
  }
}

function rate(raw: string): number {
  const n = Number(raw)
  if (!Number.isFinite(n) || n < 0 || n > 1)
    throw new InvalidArgumentError('expected a share from 0 to 1, e.g. 0.2.')
  return n
}

/** The server's options as the flags give them (port and host always have a value). */
type CliOptions = Pick<
  SandboxOptions,
  'account' | 'passcode' | 'dataDir' | 'failRate' | 'latencyMs' | 'dropConnections'
> & { port: number; host: string }

async function main(): Promise<void> {
  const program = new Command()
    .name('sandbox')
    .description("A local server that speaks CleverTap's profile REST API, for tests and demos.")
    .requiredOption('--account <id>', 'the account id clients must send (X-CleverTap-Account-Id)')
    .requiredOption('--passcode <passcode>', 'the passcode clients must send (X-CleverTap-Passcode)')
    .option('--port <port>', 'port on 127.0.0.1 (0 picks a free one)', wholeNumber('--port', 0, 65535), 0)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--data-dir <dir>', 'keep the sandbox database in this folder (default: in memory)')
    .option('--fail-rate <share>', 'answer this share of requests with 503, applying nothing', rate)
    .option(
      '--latency-ms <ms>',
      'delay every request by this many milliseconds',
      wholeNumber('--latency-ms', 0, 600_000),
    )
    .option(
      '--drop-connections [share]',
      'after applying a request, reset the connection instead of replying (all requests, or this share)',
      rate,
    )
    .parse()
  const opts = program.opts<CliOptions>()

  const server = await createSandboxServer({
    port: opts.port,
    host: opts.host,
    account: opts.account,
    passcode: opts.passcode,
    ...(opts.dataDir !== undefined && { dataDir: opts.dataDir }),
    ...(opts.failRate !== undefined && { failRate: opts.failRate }),
    ...(opts.latencyMs !== undefined && { latencyMs: opts.latencyMs }),
    ...(opts.dropConnections !== undefined && { dropConnections: opts.dropConnections }),
  })
  process.stdout.write(`Sandbox CleverTap API listening at ${server.baseUrl} (account ${opts.account})\n`)

  let stopping = false
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return
    stopping = true
    process.stdout.write(`Sandbox stopping (${signal})\n`)
    void server.close().then(() => process.exit(0))
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

main().catch((error: unknown) => {
  process.stderr.write(`sandbox: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
})
