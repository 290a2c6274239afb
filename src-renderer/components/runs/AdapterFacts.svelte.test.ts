import type { Component } from 'svelte';
import { render } from 'svelte/server';
import { describe, expect, it } from 'vitest';
import AdapterFactsComponent from './AdapterFacts.svelte';
import { LAVAPIPE_ADAPTER } from '../../../test/helpers/runDevices';

// typescript-eslint sees no types in .svelte files: the props are named here, loosely.
const AdapterFacts = AdapterFactsComponent as unknown as Component<Record<string, unknown>>;

const text = (html: string): string =>
  html
    .replace(/<!--[^>]*-->/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();

describe('AdapterFacts (issue 15)', () => {
  it('shows what the adapter is and its limits in binary units, exact bytes in titles', () => {
    const { body } = render(AdapterFacts, { props: { adapter: LAVAPIPE_ADAPTER } });
    expect(body).toContain('data-software="true"');
    const shown = text(body);
    expect(shown).toContain('vendor mesa');
    expect(shown).toContain('architecture software');
    expect(shown).toContain('device llvmpipe-llvm-15-0-6-256-bits-');
    expect(shown).toContain('description llvmpipe: Mesa 25.0.7-2~bpo12+1 (LLVM 15.0.6) 0.0.1');
    expect(shown).toContain('software yes (a CPU implementation)');
    expect(shown).toContain('max buffer 4 GiB');
    expect(shown).toContain('max storage binding 128 MiB');
    expect(shown).toContain('workgroup storage 32 KiB');
    expect(shown).toContain('invocations per workgroup 1024');
    expect(shown).toContain('workgroup size x 1024');
    // 2^32 − 1 is not 4 GiB: the title keeps the recorded number.
    expect(body).toContain('title="maxBufferSize: 4294967295 bytes"');
  });
});
