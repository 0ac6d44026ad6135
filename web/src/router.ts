// Client-side routing on real paths (History API). The server answers index.html
// for every path without a file extension outside /api, /assets and /cal.
import { signal } from '@preact/signals';

export interface Location {
  path: string;
  query: URLSearchParams;
}

function current(): Location {
  const path = location.pathname.replace(/\/+$/, '') || '/';
  return { path, query: new URLSearchParams(location.search) };
}

export const route = signal<Location>(current());

export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  const url = new URL(to, location.href);
  if (url.origin !== location.origin) {
    location.href = url.href;
    return;
  }
  const next = url.pathname + url.search + url.hash;
  if (next === location.pathname + location.search + location.hash) return;
  if (opts.replace) history.replaceState(null, '', next);
  else history.pushState(null, '', next);
  route.value = current();
}

/** Updates query parameters of the current route without adding a history entry. */
export function setQuery(params: Record<string, string | null>, opts: { push?: boolean } = {}): void {
  const q = new URLSearchParams(location.search);
  for (const [k, v] of Object.entries(params)) {
    if (v === null) q.delete(k);
    else q.set(k, v);
  }
  const s = q.toString();
  navigate(location.pathname + (s ? '?' + s : ''), { replace: !opts.push });
}

window.addEventListener('popstate', () => {
  route.value = current();
});

/** Click handler for <a href> that keeps navigation inside the app. */
export function onLinkClick(e: MouseEvent): void {
  const a = (e.target as Element).closest('a');
  if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  if (a.target || a.hasAttribute('download')) return;
  const href = a.getAttribute('href');
  if (!href || !href.startsWith('/') || href.startsWith('/api/') || href.startsWith('/cal/')) return;
  e.preventDefault();
  navigate(href);
}
