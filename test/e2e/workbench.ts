import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { projectRoot } from '../../src-main/core/paths';
import { launchChromium } from './browser';
import { startServeProcess, type ServerProcess } from './server';

/** Screenshots are test artifacts: test-results/ is kept by CI and ignored by git. */
export const ARTIFACTS = join(projectRoot(), 'test-results');

export interface Workbench {
  /** The fresh workspace folder `transferlab serve` runs on. */
  readonly workspace: string;
  readonly server: ServerProcess;
  readonly browser: Browser;
}

/**
 * One `transferlab serve` process on a fresh workspace and one Chromium for the file's tests,
 * started before them and torn down after. Read the fields inside tests (they are set by then).
 * `env` adds to the server's environment.
 */
export function useWorkbench(name: string, env: Readonly<Record<string, string>> = {}): Workbench {
  let state: Workbench | undefined;
  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const workspace = mkdtempSync(join(tmpdir(), `transferlab-e2e-${name}-`));
    const server = await startServeProcess(workspace, env);
    state = { workspace, server, browser: await launchChromium() };
  });
  afterAll(async () => {
    if (state === undefined) return;
    await state.browser.close();
    await state.server.stop();
    rmSync(state.workspace, { recursive: true, force: true });
  });
  const current = (): Workbench => {
    if (state === undefined) throw new Error('The workbench is not started (use it inside a test)');
    return state;
  };
  return {
    get workspace() {
      return current().workspace;
    },
    get server() {
      return current().server;
    },
    get browser() {
      return current().browser;
    },
  };
}

/**
 * Runs `steps` on a fresh page of the workbench's browser: a failing step leaves a screenshot
 * named `failureShot` in test-results/, and errors thrown in the page fail the test.
 */
export async function onPage(
  bench: Workbench,
  failureShot: string,
  steps: (page: Page) => Promise<void>,
): Promise<void> {
  const page = await bench.browser.newPage({ viewport: { width: 1400, height: 900 } });
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  try {
    await steps(page);
  } catch (e) {
    await page.screenshot({ path: join(ARTIFACTS, failureShot), fullPage: true });
    throw e;
  }
  expect(pageErrors).toEqual([]);
  await page.close();
}
