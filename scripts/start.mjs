// `npm start` (after `npm run build`): opens the Electron window when an Electron runtime is installed;
// otherwise serves the same app on 127.0.0.1 and prints its address for the browser. Arguments pass through.
import { spawn } from 'node:child_process'
import { accessSync, constants, existsSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const args = process.argv.slice(2)
// `--web` skips Electron even where it is installed.
const forceWeb = args.includes('--web')
const passArgs = args.filter((a) => a !== '--web')

/** The Electron binary named by node_modules/electron/path.txt, if it exists and can run. */
function findElectron() {
  const pkg = join(root, 'node_modules', 'electron')
  const pathFile = join(pkg, 'path.txt')
  if (!existsSync(pathFile)) return null
  const relative = readFileSync(pathFile, 'utf8').trim()
  if (!relative) return null
  const binary = join(pkg, 'dist', relative)
  try {
    accessSync(binary, constants.X_OK)
    return binary
  } catch {
    return null
  }
}

/** Runs a child with our stdio, relays Ctrl-C and kill signals to it, and exits with its code. */
function run(command, commandArgs, env = process.env) {
  const child = spawn(command, commandArgs, { stdio: 'inherit', env })
  const relay = (signal) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal)
  }
  process.on('SIGINT', relay)
  process.on('SIGTERM', relay)
  child.on('error', (error) => {
    process.stderr.write(`error: could not start ${command}: ${error.message}\n`)
    process.exit(1)
  })
  child.on('exit', (code, signal) => {
    process.off('SIGINT', relay)
    process.off('SIGTERM', relay)
    process.exit(code ?? (signal === 'SIGINT' ? 130 : signal ? 1 : 0))
  })
}

const mainEntry = join(root, 'out', 'main', 'index.js')
const cliEntry = join(root, 'out', 'main', 'cli.js')
if (!existsSync(cliEntry) || !existsSync(mainEntry)) {
  process.stderr.write('Profile Desk is not built yet: run `npm run build` first.\n')
  process.exit(1)
}

const electron = forceWeb ? null : findElectron()
if (electron) {
  // The app folder, not the file: Electron then reads package.json (name, version, "main":
  // out/main/index.js) as it does for a packaged app. ELECTRON_RUN_AS_NODE would make it a plain Node.
  const env = { ...process.env }
  delete env.ELECTRON_RUN_AS_NODE
  run(electron, [root, ...passArgs], env)
} else {
  if (!forceWeb)
    process.stderr.write('No Electron runtime found; starting Profile Desk in your browser instead.\n')
  run(process.execPath, [cliEntry, 'serve', ...passArgs])
}
