// The sample feature's public surface: generated sample data loaded as a job.
export { startSampleLoad } from './sample-loader'
