// `npm run bench -- duplicates [--profiles N] [--rounds R] [--data-dir DIR]`: see bench/devices/run.ts.
import { runDevicesBench } from './devices/run'

await runDevicesBench('duplicates')
