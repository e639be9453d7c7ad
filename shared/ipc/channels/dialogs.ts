// Channels of the host's native dialogs. Electron's main process answers them itself (it owns the
// windows) and hands the page a handle for the chosen file; every other host (web host, tests) answers "not
// available here" and the page offers a file input.
import { z } from 'zod'
import { channel } from '../channel'
import type { ChosenFile } from '../file-handle'

export interface FileFilter {
  name: string
  extensions: string[]
}

export interface OpenFileReply {
  /**
   * The chosen file by handle (main registers the path with the backend; the page never sees it); null
   * when the person cancelled or the host has no native dialog.
   */
  file: ChosenFile | null
  /** False when this host has no native dialog (use a file input and the upload channels instead). */
  available: boolean
}

const fileFilter = z
  .object({
    name: z.string().min(1).max(120),
    extensions: z
      .array(z.string().regex(/^(\*|[\w-]{1,16})$/))
      .min(1)
      .max(20),
  })
  .strict()

export const dialogChannels = {
  /** Shows the native "open file" dialog; one file. */
  'dialog.openFile': channel<OpenFileReply>()(
    z
      .object({
        title: z.string().min(1).max(200),
        filters: z.array(fileFilter).max(10).default([]),
      })
      .strict(),
  ),
} as const
