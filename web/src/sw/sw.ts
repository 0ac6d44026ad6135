// Service worker: app shell cached at install (versioned by the build hash), API
// GET answers for the plan kept network-first so the last plan seen works offline.
/// <reference lib="webworker" />
export {};
const sw = globalThis as unknown as ServiceWorkerGlobalScope;
declare const __BUILD_HASH__: string;
declare const __SHELL__: string[];

const SHELL_CACHE = `planetude-shell-${__BUILD_HASH__}`;
const API_CACHE = `planetude-api-${__BUILD_HASH__}`;
const API_MAX_ENTRIES = 30;
/** API reads kept for offline use: the user, the plannings, the progress, the school timetable. */
const CACHED_API = /^\/api\/(users\/me|planning|progress|timetable)(\/[0-9a-f]{24})?$/;

sw.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(SHELL_CACHE)
      .then((c) => c.addAll(__SHELL__))
      .then(() => sw.skipWaiting()),
  );
});

sw.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith('planetude-') && name !== SHELL_CACHE && name !== API_CACHE) await caches.delete(name);
      }
      await sw.clients.claim();
    })(),
  );
});

async function trim(cache: Cache): Promise<void> {
  const keys = await cache.keys();
  for (const k of keys.slice(0, Math.max(0, keys.length - API_MAX_ENTRIES))) await cache.delete(k);
}

async function apiNetworkFirst(request: Request): Promise<Response> {
  const cache = await caches.open(API_CACHE);
  try {
    const res = await fetch(request);
    if (res.status === 200) {
      await cache.delete(request);
      await cache.put(request, res.clone());
      await trim(cache);
    } else if (res.status === 401) {
      await caches.delete(API_CACHE);
    }
    return res;
  } catch (e) {
    const hit = await cache.match(request);
    if (!hit) throw e;
    const headers = new Headers(hit.headers);
    headers.set('X-Planetude-Offline', '1');
    return new Response(hit.body, { status: hit.status, statusText: hit.statusText, headers });
  }
}

async function shellFirst(request: Request): Promise<Response> {
  const hit = await caches.match(request);
  return hit ?? fetch(request);
}

async function navigation(request: Request): Promise<Response> {
  try {
    return await fetch(request);
  } catch (e) {
    const shell = await caches.match('/', { cacheName: SHELL_CACHE });
    if (shell) return shell;
    throw e;
  }
}

sw.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== sw.location.origin) return;
  if (request.mode === 'navigate' && !url.pathname.startsWith('/api/') && !url.pathname.startsWith('/cal/')) {
    event.respondWith(navigation(request));
  } else if (url.pathname.startsWith('/assets/')) {
    event.respondWith(shellFirst(request));
  } else if (CACHED_API.test(url.pathname)) {
    event.respondWith(apiNetworkFirst(request));
  }
});
