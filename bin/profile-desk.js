#!/usr/bin/env node
// The `profile-desk` command: runs the built command line (out/main/cli.js), or says how to build it.
import { existsSync } from 'node:fs'

const cli = new URL('../out/main/cli.js', import.meta.url)
if (!existsSync(cli)) {
  process.stderr.write('Profile Desk is not built yet: run `npm run build` first.\n')
  process.exit(1)
}
await import(cli.href)
