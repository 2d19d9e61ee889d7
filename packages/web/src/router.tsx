// A small hash router (`/#/queue?kind=scrape`): each page has its own URL, bookmarkable and shared, the
// back button works, and the server needs no route per page (it serves the dashboard at `/` only).
import { useSyncExternalStore, type ReactNode } from 'react';

function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}

const current = () => window.location.hash.replace(/^#/, '') || '/';

/** The path and query of the page shown, re-rendering when it changes. */
export function useLocation(): { path: string; query: URLSearchParams } {
  const href = useSyncExternalStore(subscribe, current);
  const url = new URL(href, window.location.origin);
  return { path: url.pathname, query: url.searchParams };
}

/** Goes to `to` (a path with an optional query); `replace` keeps the back button where it was. */
export function navigate(to: string, replace = false): void {
  if (to === current()) return;
  if (replace) window.location.replace(`#${to}`);
  else window.location.hash = to;
}

/** A link to a page of the dashboard (a plain anchor: open in a new tab works). */
export function Link({
  to,
  ...rest
}: {
  to: string;
  children: ReactNode;
  className?: string;
  'aria-current'?: 'page';
}) {
  return <a href={`#${to}`} {...rest} />;
}

/** `/work/abc` against `/work/:id` → `{id: 'abc'}`; undefined when it does not match. */
export function match(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split('/');
  const got = path.replace(/\/+$/, '').split('/');
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, part] of want.entries()) {
    const value = got[i] ?? '';
    if (part.startsWith(':')) params[part.slice(1)] = decodeURIComponent(value);
    else if (part !== value) return undefined;
  }
  return params;
}
