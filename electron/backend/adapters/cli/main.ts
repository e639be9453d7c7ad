// Entry of the `profile-desk` command (built to out/main/cli.js; bin/profile-desk.js imports it).
import type { CliIo } from './io'
import { runCli } from './program'

const io: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  stderrIsTTY: process.stderr.isTTY === true,
  signals(onSignal) {
    // Once unsubscribed, Node's default applies again: a second Ctrl-C ends a slow shutdown at once.
    process.on('SIGINT', onSignal)
    process.on('SIGTERM', onSignal)
    return () => {
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
    }
  },
  moduleDir: import.meta.dirname,
}

process.exitCode = await runCli(process.argv.slice(2), io)
