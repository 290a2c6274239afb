/**
 * Hash routes: `#/experiments`, `#/experiments/new`, `#/experiments/:id`, `#/runs`, `#/runs/:id`,
 * `#/models`, `#/models/:id` (imported models, issue 13)…
 */
export type Route =
  | { name: 'experiments' }
  | { name: 'experiment-new'; example: string | null }
  | { name: 'experiment'; id: number }
  | { name: 'runs' }
  | { name: 'run'; id: number }
  | { name: 'datasets' }
  | { name: 'dataset'; id: number }
  | { name: 'models' }
  | { name: 'model'; id: number }
  /** `#/compare?experiments=1,2&runs=7,8&setup=3`: what to compare, or a saved chart setup. */
  | { name: 'compare'; experiments: number[]; runs: number[]; setup: number | null }
  | { name: 'settings' }
  | { name: 'not-found'; path: string };

export type Section = 'experiments' | 'runs' | 'datasets' | 'models' | 'compare' | 'settings';

function parseId(text: string | undefined): number | null {
  if (text === undefined || !/^[1-9]\d{0,14}$/.test(text)) return null;
  return Number(text);
}

/** A comma-separated id list; anything that is not an id is dropped. */
function parseIds(text: string | null): number[] {
  if (text === null) return [];
  const ids = text.split(',').map((part) => parseId(part.trim()));
  return [...new Set(ids.filter((id): id is number => id !== null))];
}

export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#/, '');
  const [pathPart = '', queryPart = ''] = raw.split('?', 2);
  const query = new URLSearchParams(queryPart);
  const parts = pathPart.split('/').filter((p) => p !== '');
  const [head, second, ...rest] = parts;
  if (rest.length > 0) return { name: 'not-found', path: pathPart };
  switch (head) {
    case undefined:
      return { name: 'experiments' };
    case 'experiments': {
      if (second === undefined) return { name: 'experiments' };
      if (second === 'new') return { name: 'experiment-new', example: query.get('example') };
      const id = parseId(second);
      return id === null ? { name: 'not-found', path: pathPart } : { name: 'experiment', id };
    }
    case 'runs': {
      if (second === undefined) return { name: 'runs' };
      const id = parseId(second);
      return id === null ? { name: 'not-found', path: pathPart } : { name: 'run', id };
    }
    case 'datasets': {
      if (second === undefined) return { name: 'datasets' };
      const id = parseId(second);
      return id === null ? { name: 'not-found', path: pathPart } : { name: 'dataset', id };
    }
    case 'models': {
      if (second === undefined) return { name: 'models' };
      const id = parseId(second);
      return id === null ? { name: 'not-found', path: pathPart } : { name: 'model', id };
    }
    case 'compare':
      return second === undefined
        ? {
            name: 'compare',
            experiments: parseIds(query.get('experiments')),
            runs: parseIds(query.get('runs')),
            setup: parseId(query.get('setup') ?? undefined),
          }
        : { name: 'not-found', path: pathPart };
    case 'settings':
      return second === undefined ? { name: head } : { name: 'not-found', path: pathPart };
    default:
      return { name: 'not-found', path: pathPart };
  }
}

export function href(route: Route): string {
  switch (route.name) {
    case 'experiments':
    case 'runs':
    case 'datasets':
    case 'models':
    case 'settings':
      return `#/${route.name}`;
    case 'compare': {
      const query = new URLSearchParams();
      if (route.experiments.length > 0) query.set('experiments', route.experiments.join(','));
      if (route.runs.length > 0) query.set('runs', route.runs.join(','));
      if (route.setup !== null) query.set('setup', String(route.setup));
      const text = query.toString().replaceAll('%2C', ',');
      return text === '' ? '#/compare' : `#/compare?${text}`;
    }
    case 'experiment-new':
      return route.example === null
        ? '#/experiments/new'
        : `#/experiments/new?example=${encodeURIComponent(route.example)}`;
    case 'experiment':
      return `#/experiments/${route.id}`;
    case 'run':
      return `#/runs/${route.id}`;
    case 'dataset':
      return `#/datasets/${route.id}`;
    case 'model':
      return `#/models/${route.id}`;
    case 'not-found':
      return `#/${route.path}`;
  }
}

/** Where a navigation entry leads (Compare opens empty, waiting for a selection). */
export function sectionRoute(section: Section): Route {
  return section === 'compare'
    ? { name: 'compare', experiments: [], runs: [], setup: null }
    : { name: section };
}

/** The navigation entry a route belongs to. */
export function sectionOf(route: Route): Section | null {
  switch (route.name) {
    case 'experiments':
    case 'experiment-new':
    case 'experiment':
      return 'experiments';
    case 'runs':
    case 'run':
      return 'runs';
    case 'datasets':
    case 'models':
    case 'compare':
    case 'settings':
      return route.name;
    case 'dataset':
      return 'datasets';
    case 'model':
      return 'models';
    case 'not-found':
      return null;
  }
}

export function routeTitle(route: Route): string {
  switch (route.name) {
    case 'experiments':
      return 'Experiments';
    case 'experiment-new':
      return 'New experiment';
    case 'experiment':
      return `Experiment ${route.id}`;
    case 'runs':
      return 'Runs';
    case 'run':
      return `Run ${route.id}`;
    case 'datasets':
      return 'Datasets';
    case 'dataset':
      return `Dataset ${route.id}`;
    case 'models':
      return 'Models';
    case 'model':
      return `Model m${route.id}`;
    case 'compare':
      return 'Compare';
    case 'settings':
      return 'Settings';
    case 'not-found':
      return 'Not found';
  }
}
