// Debian's Chromium and the flags it runs with, for the e2e specs (playwright.config.ts) and the
// in-browser benchmark (bench/keystroke.ts) alike: no sandbox (containers), no GPU, no background traffic.
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]
