import { describe, it } from 'vitest';

/**
 * Tests that need something the machine may lack (a WebGPU adapter, a Slurm cluster): CI installs
 * it and sets the service's variable, so there a missing one fails the tests instead of skipping
 * them silently; elsewhere they skip, saying how to get it.
 */
export interface RequiredService {
  /** What it is, for test names: "a WebGPU adapter". */
  what: string;
  /** The variable CI sets to 1 to require it. */
  requireVar: string;
  /** One sentence on how to get it. */
  howTo: string;
  /** Why this process cannot use it; undefined when it can. */
  missing(): Promise<string | undefined>;
}

export type ServicePolicy = { action: 'run' } | { action: 'fail' | 'skip'; message: string };

/** What the tests do: run, fail because CI requires the service, or skip. */
export function servicePolicy(
  service: Pick<RequiredService, 'requireVar' | 'howTo'>,
  missing: string | undefined,
  env: Record<string, string | undefined>,
): ServicePolicy {
  if (missing === undefined) return { action: 'run' };
  const message = `${missing}${/[.?!]$/.test(missing) ? '' : '.'} ${service.howTo}.`;
  return env[service.requireVar] === '1'
    ? { action: 'fail', message }
    : { action: 'skip', message };
}

/**
 * describe() for tests that need the service: as is where it is at hand; without it, a single
 * failing test under its variable, a skipped suite (and a warning saying how to get it) otherwise.
 */
export async function describeWith(
  service: RequiredService,
  name: string,
  body: () => void,
): Promise<void> {
  const policy = servicePolicy(service, await service.missing(), process.env);
  switch (policy.action) {
    case 'run':
      describe(name, body);
      return;
    case 'fail':
      describe(name, () => {
        it(`has ${service.what} (${service.requireVar}=1)`, () => {
          throw new Error(policy.message);
        });
      });
      return;
    case 'skip':
      console.warn(`Skipped "${name}": ${policy.message}`);
      describe.skip(`${name} (no ${service.what.replace(/^an? /, '')})`, body);
  }
}
