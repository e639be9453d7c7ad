// The platform's public surface: the ports and helpers every host may use as well as the core (the
// logger, the secret store, private files, the data folder's names, the version). Adapters and
// Electron's main process import these from here, never from the files behind it.
export { DATABASE_FILE, ELECTRON_PROFILE_FOLDER, LOGS_FOLDER } from './data-folder'
export { EventBus } from './event-bus'
export { consoleLogger, silentLogger, type Logger } from './logger'
export { ensurePrivateDir, writePrivateFile } from './private-files'
export { FileSecretStore, type SecretStorageInfo, type SecretStore } from './secret-store'
export { APP_VERSION } from './version'
