import type { DomainSpec } from '../../src-shared/domain/experimentSpec';
import type { DomainRole } from '../lib/domainForm';

export interface HandedDomain {
  role: DomainRole;
  domain: DomainSpec;
}

/**
 * A domain defined in the dataset view on its way to the experiment designer ("Use as source" /
 * "Use as target"). Held in app state rather than the URL: a domain spec is not an address, and
 * the designer takes it exactly once (a reload or a later visit starts from the example alone).
 */
export class DomainHandoff {
  #pending: HandedDomain | null = null;

  offer(handed: HandedDomain): void {
    this.#pending = structuredClone(handed);
  }

  take(): HandedDomain | null {
    const handed = this.#pending;
    this.#pending = null;
    return handed;
  }
}
