// `npm run bench -- devices [--profiles N] [--rounds R]`: see bench/devices/run.ts.
import { runDevicesBench } from './devices/run'

await runDevicesBench('all')
