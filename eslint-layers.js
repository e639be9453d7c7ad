// The layer map as eslint-plugin-boundaries reads it: which folder is which layer, and which layer may
// import which. docs/ARCHITECTURE.md opens with the same map; change both together.

const root = (type, pattern, capture) => ({
  type,
  pattern,
  partialMatch: false,
  ...(capture ? { capture } : {}),
})

/** Most specific first: a file belongs to the first pattern that matches its folder. */
export const LAYER_ELEMENTS = [
  root('platform', 'electron/backend/core/platform'),
  root('db', 'electron/backend/core/db'),
  root('jobs', 'electron/backend/core/jobs'),
  // profiles, imports, sftp, sync, sample
  root('feature', 'electron/backend/core/*', ['feature']),
  // core/services.ts (the composition root), core/index.ts (the core's public surface), core/context.ts
  root('core', 'electron/backend/core'),
  // ipc, web-host, utility-process, cli
  root('adapter', 'electron/backend/adapters/*', ['adapter']),
  // adapters/data-dir.ts
  root('adapters', 'electron/backend/adapters'),
  root('main', 'electron/main'),
  root('preload', 'electron/preload'),
  root('renderer', 'renderer'),
  root('shared', 'shared'),
  root('sandbox', 'sandbox'),
]

const layer = (type, extra = {}) => ({ element: { type, ...extra } })
const file = (type, fileInternalPath, extra = {}) => layer(type, { fileInternalPath, ...extra })
const adapter = (name, fileInternalPath) =>
  layer('adapter', { captured: { adapter: name }, ...(fileInternalPath ? { fileInternalPath } : {}) })

/** What adapters and hosts may use of the core: its public surface, each feature's and the platform's. */
const CORE_SURFACE = [file('core', 'index.ts'), file('feature', 'index.ts'), file('platform', 'index.ts')]

/** Every allowed import between layers; anything else is an error (imports inside one layer are free). */
export const LAYER_POLICIES = [
  // shared/: pure TypeScript, imports no other layer.
  { from: layer('renderer'), allow: { to: layer('shared') } },
  { from: layer('sandbox'), allow: { to: layer('shared') } },
  { from: layer('preload'), allow: { to: layer('shared') } },
  {
    // Electron's main process: Electron glue, with the few backend pieces it shares with the hosts.
    from: layer('main'),
    allow: {
      to: [
        layer('shared'),
        adapter('utility-process', 'protocol.ts'),
        adapter('web-host', 'renderer-files.ts'),
        file('adapters', 'data-dir.ts'),
        file('platform', 'index.ts'),
      ],
    },
  },
  // The core: platform and db know no feature; features use each other, jobs, db, platform, the context.
  { from: layer('platform'), allow: { to: layer('shared') } },
  { from: layer('db'), allow: { to: [layer('shared'), layer('platform')] } },
  { from: layer('jobs'), allow: { to: [layer('shared'), layer('platform'), layer('db')] } },
  {
    from: layer('feature'),
    allow: {
      to: [
        layer('shared'),
        layer('platform'),
        layer('db'),
        layer('jobs'),
        layer('feature'),
        file('core', 'context.ts'),
      ],
    },
  },
  {
    from: file('core', 'context.ts'),
    allow: { to: [layer('shared'), layer('platform'), layer('db'), layer('jobs')] },
  },
  {
    // The composition root and the public surface see the whole core.
    from: [file('core', 'services.ts'), file('core', 'index.ts')],
    allow: { to: [layer('shared'), layer('platform'), layer('db'), layer('jobs'), layer('feature')] },
  },
  // Adapters: the core's public surface and shared; the hosts also the ipc adapter (createBackend).
  { from: adapter('ipc'), allow: { to: [layer('shared'), ...CORE_SURFACE] } },
  {
    from: [adapter('web-host'), adapter('utility-process')],
    allow: { to: [layer('shared'), adapter('ipc'), file('adapters', 'data-dir.ts'), ...CORE_SURFACE] },
  },
  {
    // The command line may also serve the web host (`profile-desk serve`).
    from: adapter('cli'),
    allow: {
      to: [
        layer('shared'),
        adapter('ipc'),
        adapter('web-host'),
        file('adapters', 'data-dir.ts'),
        ...CORE_SURFACE,
      ],
    },
  },
  { from: file('adapters', 'data-dir.ts'), allow: { to: [layer('shared'), file('platform', 'index.ts')] } },
]
