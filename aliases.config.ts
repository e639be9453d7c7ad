// The renderer's import aliases, for the build (electron.vite.config.ts) and the tests (vitest.config.ts);
// tsconfig.json's `paths` names the same two for the type checkers.
import { resolve } from 'node:path'

const root = import.meta.dirname

export const rendererAliases = {
  /** renderer/src/lib: the API client, state classes, formatting and text helpers. */
  $lib: resolve(root, 'renderer/src/lib'),
  /** shared/: the contract, the catalogue and the rules every side uses. */
  $shared: resolve(root, 'shared'),
}
