// Entry: pick the transport (taking the launch token out of the address bar before the router reads
// it), start following the hash route, the job events and the sync status, then mount the app.
import { mount } from 'svelte'
import App from './App.svelte'
import './app.css'
import { connectBackend } from '$lib/api/connect'
import { jobs } from '$lib/state/jobs.svelte'
import { router } from '$lib/state/router.svelte'
import { session } from '$lib/state/session.svelte'
import { syncStatus } from '$lib/state/sync-status.svelte'

connectBackend()
if (session.status === 'connected') {
  router.start()
  jobs.connect()
  syncStatus.connect()
}

const target = document.getElementById('app')
if (!target) throw new Error('index.html has no #app element')
mount(App, { target })
