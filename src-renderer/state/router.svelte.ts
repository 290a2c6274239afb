import { href, parseHash, sectionOf, type Route, type Section } from '../lib/routes';

/** What the router uses of `window`: this much, so that its spec can hand it a fake one. */
export interface RouterWindow {
  readonly location: Pick<Location, 'hash' | 'href'>;
  readonly history: Pick<History, 'state' | 'replaceState'>;
  addEventListener(type: 'hashchange', listener: () => void): void;
}

/** Hash-based routing: the hash is the source of truth, so back/forward and reloads just work. */
export class Router {
  route = $state<Route>({ name: 'experiments' });
  readonly section: Section | null = $derived(sectionOf(this.route));
  readonly #win: RouterWindow;

  constructor(win: RouterWindow) {
    this.#win = win;
    this.route = parseHash(win.location.hash);
    win.addEventListener('hashchange', () => {
      this.route = parseHash(win.location.hash);
    });
  }

  go(route: Route): void {
    const target = href(route);
    if (this.#win.location.hash === target) this.route = parseHash(target);
    else this.#win.location.hash = target;
  }

  /** Replaces the current history entry (e.g. after creating an experiment). */
  replace(route: Route): void {
    const [base = ''] = this.#win.location.href.split('#', 1);
    this.#win.history.replaceState(this.#win.history.state, '', base + href(route));
    this.route = route;
  }
}
