// Files reach the backend over IPC and HTTP by handle, never by path: a handle names a file the person
// chose (in the native dialog, later also dropped on the window or opened with the app) or uploaded, so
// a page holding the token cannot make the backend read ~/.ssh or the app's own secrets.
import { z } from 'zod'

/** A file the person chose or uploaded, as the page sees it. */
export interface ChosenFile {
  /** What channels take in place of a path: an unguessable id (a random UUID). */
  handle: string
  /** The file's own name, to show. */
  name: string
  bytes: number
}

/**
 * How a person gave the app a file: the native dialog (today), dropping it on the window or opening it
 * with the app (later). Only Electron's main process registers such a file, never the page.
 */
export const GRANT_SOURCES = ['dialog', 'drop', 'open-with'] as const
export type GrantSource = (typeof GRANT_SOURCES)[number]

/** How a handle looks: a random (version 4) UUID. */
export const FILE_HANDLE_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

export const NOT_A_HANDLE =
  'must be a file handle from the file dialog or an upload, not a path: choose the file in Profile Desk ' +
  '(the command line takes paths)'

/** The `file` field of a request: a handle; a path in its place is refused with a message saying why. */
export const fileHandle = z
  .string({ error: NOT_A_HANDLE })
  .max(64, { error: NOT_A_HANDLE })
  .regex(FILE_HANDLE_PATTERN, { error: NOT_A_HANDLE })

/**
 * The old `path` field, kept only to refuse it with a clear message (a strict object would otherwise say
 * "unrecognized key"). Put it first in a request's shape, so its message is the one the reply names.
 */
export const noPath = z
  .never({
    error:
      'Profile Desk does not open files by path here: pass the handle of a file chosen in the file dialog ' +
      'or uploaded, as `file` (the command line takes paths)',
  })
  .optional()
