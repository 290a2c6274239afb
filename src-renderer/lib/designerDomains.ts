import type { DomainSpec } from '../../src-shared/domain/experimentSpec';
import { domainOptionsFromSpec, type DomainRole } from './domainForm';
import type { SpecForm } from './specForm';

/**
 * Adding and removing the designer's sources and targets: a domain handed over from the dataset
 * view joins the example's ones, and any of them can be dropped. Domain names key the designer's
 * lists and name the runs, so an added one gets a name no other domain of the spec has.
 */
export function uniqueDomainName(name: string, taken: Iterable<string>): string {
  const names = new Set(taken);
  if (!names.has(name)) return name;
  for (let i = 2; ; i++) {
    const candidate = `${name} (${i})`;
    if (!names.has(candidate)) return candidate;
  }
}

function optionsKey(role: DomainRole): 'sourceOptions' | 'targetOptions' {
  return role === 'sources' ? 'sourceOptions' : 'targetOptions';
}

/** The form with `domain` appended to `role`, its options as the domain gives them. */
export function addDomain(form: SpecForm, role: DomainRole, domain: DomainSpec): SpecForm {
  const name = uniqueDomainName(
    domain.name,
    [...form.sources, ...form.targets].map((d) => d.name),
  );
  const added = { ...structuredClone(domain), name };
  return {
    ...form,
    [role]: [...form[role], added],
    [optionsKey(role)]: [...form[optionsKey(role)], domainOptionsFromSpec(added)],
  };
}

/** The form without the `index`th domain of `role` (and its options). */
export function removeDomain(form: SpecForm, role: DomainRole, index: number): SpecForm {
  const drop = <T>(list: readonly T[]): T[] => list.filter((_, i) => i !== index);
  return {
    ...form,
    [role]: drop(form[role]),
    [optionsKey(role)]: drop(form[optionsKey(role)]),
  };
}
