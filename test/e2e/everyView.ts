import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { projectRoot } from '../../src-main/core/paths';
import { call, tinySpec, waitForExperiment } from './rpc';
import { ARTIFACTS, type Workbench } from './workbench';

/**
 * Every view of the app with something in it, for the checks that must cover them all (issue 14:
 * axe, keyboard reach, screenshots in both themes at two sizes). The workspace holds one finished
 * tiny experiment (rpc.ts: a source run, scratch and two fine-tune variants, two seeds) and one
 * imported ONNX model; each view comes with the address that opens it and a wait for what it
 * shows once loaded, so a check never looks at a half-drawn page. The shortcuts dialog comes
 * last, open over the experiments list.
 */
export interface ViewCase {
  /** Short name, used in file names and messages. */
  name: string;
  hash: string;
  ready: (page: Page) => Promise<void>;
}

const EXPERIMENT = 'Views sweep';
const MODEL_FILE = join(projectRoot(), 'test', 'fixtures', 'pretrained', 'mlp.onnx');

/** Fills the workbench's workspace and lists its views, every route of lib/routes.ts once. */
export async function prepareEveryView(bench: Workbench, page: Page): Promise<ViewCase[]> {
  const url = bench.server.url;
  const { experimentId } = await call(url, 'experiments.create', { spec: tinySpec(EXPERIMENT) });
  await waitForExperiment(url, experimentId);
  const runs = await call(url, 'runs.list', { experimentId });
  const run = runs.find((r) => r.kind === 'transfer' && r.strategy === 'fine-tune');
  // Thrown rather than expected: this runs in beforeAll, where expect() is not available.
  if (run?.status !== 'completed')
    throw new Error('the tiny experiment has no finished fine-tune run');
  const datasets = await call(url, 'datasets.list', {});
  const dataset = datasets.find((d) => d.kind === 'builtin') ?? datasets[0];
  if (dataset === undefined) throw new Error('the workspace lists no dataset');

  // A model is imported the way a user does it, through the Models view's file chooser.
  await page.goto(`${url}#/models`);
  await page.getByTestId('model-file').setInputFiles(MODEL_FILE);
  await page
    .locator('[data-testid="model-import-panel"][data-phase="ready"]')
    .waitFor({ timeout: 30_000 });
  await page.getByTestId('model-import-submit').click();
  await page.getByTestId('model-import-result').waitFor({ timeout: 60_000 });
  const [model] = await call(url, 'models.list', {});
  if (model === undefined) throw new Error('the model import stored nothing');

  const text = (value: string) => async (p: Page) => {
    await p.locator('main').getByText(value, { exact: false }).first().waitFor();
  };
  const heading = (value: string) => async (p: Page) => {
    await p.locator('main h1', { hasText: value }).waitFor();
  };
  const linkTo = (hash: string) => async (p: Page) => {
    await p.locator(`main a[href="${hash}"]`).first().waitFor();
  };
  const testId = (id: string) => async (p: Page) => {
    await p.getByTestId(id).first().waitFor();
  };
  return [
    { name: 'experiments', hash: '#/experiments', ready: text(EXPERIMENT) },
    { name: 'experiment-new', hash: '#/experiments/new', ready: testId('example-select') },
    { name: 'experiment', hash: `#/experiments/${experimentId}`, ready: testId('run-row') },
    { name: 'run', hash: `#/runs/${run.id}`, ready: testId('run-status') },
    { name: 'runs', hash: '#/runs', ready: testId('run-row') },
    {
      name: 'compare',
      hash: `#/compare?experiments=${experimentId}`,
      ready: testId('summary-row'),
    },
    { name: 'datasets', hash: '#/datasets', ready: linkTo(`#/datasets/${dataset.id}`) },
    { name: 'dataset', hash: `#/datasets/${dataset.id}`, ready: heading(dataset.name) },
    { name: 'models', hash: '#/models', ready: linkTo(`#/models/${model.id}`) },
    { name: 'model', hash: `#/models/${model.id}`, ready: testId('model-title') },
    { name: 'settings', hash: '#/settings', ready: heading('Settings') },
    { name: 'not-found', hash: '#/no/such/page', ready: heading('Nothing at') },
    {
      // Not a page but the one dialog every page has: the keyboard shortcuts (`?`).
      name: 'shortcuts',
      hash: '#/experiments',
      ready: async (p: Page) => {
        await text(EXPERIMENT)(p);
        await p.keyboard.press('?');
        await p.locator('dialog[open]').getByTestId('shortcut').first().waitFor();
      },
    },
  ];
}

/** What the waits read in the page (this project's e2e code compiles without DOM types). */
interface Doc {
  querySelectorAll(selector: string): ArrayLike<{ querySelector(s: string): unknown }>;
  querySelector(selector: string): unknown;
}

/**
 * Opens an address of the app as a link does: by its hash, in the page already loaded. The app
 * takes the token out of the address bar (api/index.ts), so `goto(url + hash)` would load the
 * whole app again; only the first visit does.
 */
export async function goToHash(page: Page, baseUrl: string, hash: string): Promise<void> {
  if (new URL(page.url()).origin === new URL(baseUrl).origin)
    await page.evaluate(`location.hash = ${JSON.stringify(hash)}`);
  else await page.goto(`${baseUrl}${hash}`);
}

/**
 * Opens a view and waits until it is drawn: its own content, no busy spinner in the page, and
 * every chart box holding its canvas (ECharts is a chunk loaded with the first chart).
 */
export async function openView(page: Page, baseUrl: string, view: ViewCase): Promise<void> {
  // A dialog left open by the view before (the shortcuts) is closed as a user would.
  if ((await page.locator('dialog[open]').count()) > 0) await page.keyboard.press('Escape');
  await goToHash(page, baseUrl, view.hash);
  try {
    await view.ready(page);
  } catch (e) {
    await page.screenshot({ path: join(ARTIFACTS, `view-not-ready-${view.name}.png`) });
    throw e;
  }
  await page.waitForFunction(() => {
    const doc = (globalThis as unknown as { document: Doc }).document;
    if (doc.querySelector('main .spinner, [data-testid="lazy-loading"]') !== null) return false;
    return Array.from(doc.querySelectorAll('.chart')).every(
      (chart) => chart.querySelector('canvas') !== null,
    );
  });
}
