// The service worker keeps API GET answers for offline use; they are personal
// data, so they are dropped on logout.
export const API_CACHE_PREFIX = 'planetude-api';

export async function clearApiCache(): Promise<void> {
  if (!('caches' in window)) return;
  try {
    for (const name of await caches.keys()) if (name.startsWith(API_CACHE_PREFIX)) await caches.delete(name);
  } catch {
    /* cache storage unavailable */
  }
}
