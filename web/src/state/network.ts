// Online/offline state. Mutating actions are disabled while offline.
import { signal } from '@preact/signals';

export const online = signal<boolean>(navigator.onLine);
/** True when the data on screen came from the offline cache. */
export const servedFromCache = signal<boolean>(false);

window.addEventListener('online', () => {
  online.value = true;
});
window.addEventListener('offline', () => {
  online.value = false;
});

export const OFFLINE_ACTION = 'Hors ligne : les modifications demandent une connexion. Ton planning reste consultable.';

/** Becomes true when a service worker takes control of the page: data loaded before
 * that did not go through it, so screens load it again to keep it for offline use. */
export const swControlling = signal<boolean>(!!navigator.serviceWorker?.controller);
navigator.serviceWorker?.addEventListener('controllerchange', () => {
  swControlling.value = true;
});
