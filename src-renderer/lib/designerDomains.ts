import type { DomainSpec } from '../../src-shared/domain/experimentSpec';
import { applyDomainOptions, domainOptionsFromSpec, type DomainRole } from './domainForm';
import { DEFAULT_SYNTHETIC } from './syntheticForm';
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

/**
 * The form with one more domain of `role` ("+ Add source" / "+ Add target"): a copy of the last
 * one of that role as edited (else of the other role's), to be changed from there, since a new
 * domain mostly differs from its neighbour in one setting (a shift, a generator angle). A copied
 * source trains its own model: an imported model (`pretrained`) is not copied. With no domain at
 * all, the synthetic generator's defaults.
 */
export function addDomainLike(form: SpecForm, role: DomainRole): SpecForm {
  const other: DomainRole = role === 'sources' ? 'targets' : 'sources';
  const fromRole = form[role].length > 0 ? role : other;
  const index = form[fromRole].length - 1;
  const last = form[fromRole][index];
  const options = form[optionsKey(fromRole)][index];
  const base: DomainSpec = last
    ? options
      ? applyDomainOptions(last, options)
      : last
    : { name: role === 'sources' ? 'source' : 'target', dataset: DEFAULT_SYNTHETIC, splitSeed: 0 };
  const copy = structuredClone(base);
  delete copy.pretrained;
  return addDomain(form, role, copy);
}

/**
 * Why a domain of `role` cannot be removed, or null when it can: a spec needs at
 * least one source and one target (ExperimentSpecSchema), so the last one stays.
 */
export function removalRefusal(form: SpecForm, role: DomainRole): string | null {
  if (form[role].length > 1) return null;
  return role === 'sources'
    ? 'An experiment needs at least one source: add another before removing this one.'
    : 'An experiment needs at least one target: add another before removing this one.';
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

/** The domains of `role` as their options make them (what the form would send). */
export function editedDomains(form: SpecForm, role: DomainRole): DomainSpec[] {
  const options = form[optionsKey(role)];
  return form[role].map((d, i) => {
    const o = options[i];
    return o ? applyDomainOptions(d, o) : d;
  });
}
