// `profile-desk serve`: the web host on 127.0.0.1 with the built renderer, until Ctrl+C. A long-lived
// host, so SFTP sources run on their schedules (one-shot commands never start them).
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { Command } from 'commander'
import { AppError } from '../../../../../shared/ipc/envelope'
import { startWebHost } from '../../web-host/index'
import { EXIT_OK } from '../exit-codes'
import { cliLogger, type CliIo, type CommandDeps } from '../io'
import { openBackend } from '../open-backend'
import { parseIntOption } from '../options'

/** The built renderer: out/renderer beside out/main; from source, the checkout's out/renderer. */
export function defaultRendererDir(moduleDir: string, cwd = process.cwd()): string {
  const beside = resolve(moduleDir, '../renderer')
  if (existsSync(join(beside, 'index.html'))) return beside
  const built = resolve(cwd, 'out/renderer')
  return existsSync(join(built, 'index.html')) ? built : beside
}

interface ServeOptions {
  port: number
  rendererDir?: string
  dataDir?: string
}

async function serve(options: ServeOptions, io: CliIo): Promise<number> {
  const backend = openBackend(options.dataDir, io, {
    sftp: { scheduler: true },
    segments: { warmUp: true },
  })
  let host: Awaited<ReturnType<typeof startWebHost>>
  try {
    host = await startWebHost({
      backend,
      port: options.port,
      rendererDir: options.rendererDir ? resolve(options.rendererDir) : defaultRendererDir(io.moduleDir),
      logger: cliLogger(io),
    })
  } catch (error) {
    await backend.close()
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new AppError(
        'conflict',
        `Port ${options.port} is already in use; choose another with --port (0 picks a free one).`,
      )
    }
    throw error
  }
  io.stdout(`Profile Desk is running at ${host.url}\n`)
  await new Promise<void>((done) => {
    const stop = io.signals(() => {
      stop()
      done()
    })
  })
  await host.close()
  await backend.close()
  return EXIT_OK
}

export function registerServeCommand(program: Command, deps: CommandDeps): void {
  program
    .command('serve')
    .description('serve Profile Desk on 127.0.0.1 and print its address (with the access token)')
    .option('--port <port>', 'port to listen on (0 picks a free one)', parseIntOption('--port', 0, 65535), 0)
    .option('--renderer-dir <dir>', 'the built interface (default: out/renderer)')
    .option(deps.dataDirOption, deps.dataDirHelp)
    .action(async (opts: ServeOptions) => deps.setExit(await serve(opts, deps.io)))
}
