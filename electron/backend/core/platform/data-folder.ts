// Names inside the data folder that more than one part of the app knows (the backend, the hosts,
// Electron's main process, tests).

/** The profile database. */
export const DATABASE_FILE = 'profiles.db'

/** Electron's own profile (Chromium's files) inside the data folder: app.setPath('userData'). */
export const ELECTRON_PROFILE_FOLDER = 'electron'

/** The rotated log files. */
export const LOGS_FOLDER = 'logs'
