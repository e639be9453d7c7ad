// `npm run bench -- overview [--profiles N] [--rounds R] [--data-dir DIR]`: see bench/devices/run.ts.
import { runDevicesBench } from './devices/run'

await runDevicesBench('overview')
