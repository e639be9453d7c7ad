// The app version, injected at build time would tie the backend to a bundler; read it from package.json.
import pkg from '../../../../package.json' with { type: 'json' }

export const APP_VERSION: string = pkg.version
