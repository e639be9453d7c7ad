// Electron main entry (out/main/index.js): starts the app. The work is in app.ts so tests can drive it.
import { startApp } from './app'

startApp({ argv: process.argv, env: process.env, mainDir: import.meta.dirname })
