import { createContext } from 'svelte';
import type { Api } from '../../src-shared/rpc/api';
import type { ConnectionState } from '../api/connection.svelte';
import type { FileSender } from '../api/files';
import type { Catalog } from './catalog.svelte';
import type { Clock } from './clock.svelte';
import type { DomainHandoff } from './handoff';
import type { Router } from './router.svelte';
import type { RunsStore } from './runs.svelte';
import type { Settings } from './settings.svelte';

export interface AppContext {
  api: Api;
  connection: ConnectionState;
  router: Router;
  settings: Settings;
  catalog: Catalog;
  runs: RunsStore;
  clock: Clock;
  files: FileSender;
  handoff: DomainHandoff;
}

export const [getApp, setApp] = createContext<AppContext>();
