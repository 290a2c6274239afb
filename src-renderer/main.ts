// First: configures zod before any schema parses (see the module).
import './lib/zodConfig';
import { mount } from 'svelte';
import App from './App.svelte';
import { connectApi } from './api';
import { Catalog } from './state/catalog.svelte';
import { Clock } from './state/clock.svelte';
import { DomainHandoff } from './state/handoff';
import type { AppContext } from './state/context';
import { Router } from './state/router.svelte';
import { RunsStore } from './state/runs.svelte';
import { Settings } from './state/settings.svelte';

function localStorageOrNull(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

const { api, connection, files } = connectApi(window);
const ctx: AppContext = {
  api,
  connection,
  router: new Router(window),
  settings: new Settings(localStorageOrNull()),
  catalog: new Catalog(api),
  runs: new RunsStore(api),
  clock: new Clock(),
  files,
  handoff: new DomainHandoff(),
};

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');
mount(App, { target, props: { ctx } });
