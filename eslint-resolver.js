// How the lint rules find an imported file: Node's resolution plus tsconfig.json's `paths` ($lib is
// renderer/src/lib, $shared is shared/), so an aliased import meets the layer map and the cycle check.
// One resolver (eslint-plugin-import-x's, on unrs-resolver) serves both plugins. eslint-plugin-boundaries
// loads a resolver by file name through the older interface (version 2): the two exports below answer it.
import { resolve as resolvePath } from 'node:path'
import { createNodeResolver } from 'eslint-plugin-import-x'

/** For `import-x/resolver-next` (the cycle check). */
export const next = createNodeResolver({
  extensions: ['.ts', '.svelte', '.js', '.mjs', '.json'],
  tsconfig: { configFile: resolvePath(import.meta.dirname, 'tsconfig.json') },
})

/** For `import/resolver` (eslint-plugin-boundaries, which loads this file with require()). */
export const interfaceVersion = 2

/** Where `source`, imported from `file`, lives: `{ found, path }`, path null for Node's own modules. */
export function resolve(source, file) {
  return next.resolve(source, file)
}
