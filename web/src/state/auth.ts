// Who is signed in. The app knows it by GET /api/users/me (401 → login screen);
// the token itself lives only in the HttpOnly cookie.
import { batch, computed, signal } from '@preact/signals';
import { ApiError, get, onUnauthorized, post } from '../api/client';
import type { AuthAnswer, User } from '../api/types';
import { navigate, route } from '../router';
import { clearApiCache } from './offline-cache';

/** undefined: not known yet; null: signed out. */
export const user = signal<User | null | undefined>(undefined);

export async function loadUser(): Promise<void> {
  try {
    user.value = await get<User>('/api/users/me');
  } catch (e) {
    // 401: signed out. Anything else (offline without a cached copy, server down):
    // the login screen, which says what goes wrong when the student tries.
    user.value = e instanceof ApiError && e.status === 0 ? user.value ?? null : null;
  }
}

export function signedIn(answer: AuthAnswer): void {
  user.value = answer.user;
  // Read the user once more through the service worker, so that the app opens offline from the
  // first visit on (the read at start-up was a 401, or was made before the worker was in charge).
  get<User>('/api/users/me').then(
    (u) => {
      if (user.value) user.value = u;
    },
    () => {
      /* kept from the login answer */
    },
  );
}

export async function logout(): Promise<void> {
  try {
    await post('/api/auth/logout');
  } finally {
    await signOutTo('/connexion');
  }
}

/** After account deletion: the cookie no longer works. */
export async function forget(next: string): Promise<void> {
  await signOutTo(next);
}

/** Forget the user and go to `next` in the same render, so the route guard never sees a
 * private screen without a user (it would send to /connexion?suite=… after our navigation). */
async function signOutTo(next: string): Promise<void> {
  batch(() => {
    navigate(next, { replace: true });
    user.value = null;
  });
  await clearApiCache();
}

onUnauthorized(() => {
  if (user.value) {
    user.value = null;
    void clearApiCache();
    const here = route.value.path;
    navigate('/connexion' + (here !== '/' ? '?suite=' + encodeURIComponent(here) : ''), { replace: true });
  }
});

/** The student's time zone (the plan, "today" and streaks are in it). */
export const timezone = computed(() => user.value?.timezone ?? 'UTC');
