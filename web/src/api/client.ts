// The one place that talks to the server. Auth is the HttpOnly `token` cookie the
// server sets on login/register: nothing here reads or stores a token.
import { OFFLINE_ACTION, online, servedFromCache } from '../state/network';
import { ApiError } from './error';
import type { ErrorBody } from './types';

export { ApiError };

export const OFFLINE_MESSAGE = 'Pas de connexion au serveur. Vérifie ta connexion et réessaie : rien de ce que tu as saisi n’est perdu.';

type Listener = (error: ApiError) => void;
const unauthorizedListeners = new Set<Listener>();

/** Called on any 401 outside the login/register routes (the session ended). */
export function onUnauthorized(listener: Listener): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

export function retryAfterSeconds(res: Response): number | null {
  const v = res.headers.get('Retry-After');
  if (!v) return null;
  const n = Number(v);
  if (Number.isFinite(n)) return Math.max(0, Math.ceil(n));
  const when = Date.parse(v);
  return Number.isNaN(when) ? null : Math.max(0, Math.ceil((when - Date.now()) / 1000));
}

export async function errorFrom(res: Response): Promise<ApiError> {
  let body: ErrorBody | null = null;
  try {
    body = (await res.json()) as ErrorBody;
  } catch {
    body = null;
  }
  const e = body?.error;
  const fallback = res.status >= 500 ? 'Le serveur a rencontré un problème. Réessaie dans un instant.' : `Erreur ${res.status}.`;
  const err = new ApiError(res.status, e?.code ?? 'http_' + res.status, e?.message ?? fallback, e?.details ?? [], retryAfterSeconds(res));
  if (res.status === 401 && !/\/api\/auth\/(login|register)$/.test(new URL(res.url, location.href).pathname)) {
    if (err.code !== 'invalid_credentials') unauthorizedListeners.forEach((l) => l(err));
  }
  return err;
}

export interface RequestOptions {
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

/** Sends a request; returns the parsed JSON (undefined for 204), throws ApiError. A Blob (a File)
 * body is sent as is, with the Content-Type given in `opts.headers`; anything else as JSON. */
export async function api<T>(method: string, path: string, body?: unknown, opts: RequestOptions = {}): Promise<T> {
  const raw = typeof Blob !== 'undefined' && body instanceof Blob;
  const headers: Record<string, string> = { Accept: 'application/json', ...opts.headers };
  if (body !== undefined && !raw) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && !online.value) throw new ApiError(0, 'offline', OFFLINE_ACTION);
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : raw ? (body as Blob) : JSON.stringify(body),
      credentials: 'same-origin',
      signal: opts.signal,
    });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    online.value = false;
    throw new ApiError(0, 'network', OFFLINE_MESSAGE);
  }
  const fromCache = res.headers.get('X-Planetude-Offline') === '1';
  online.value = !fromCache;
  if (!res.ok) throw await errorFrom(res);
  if (method === 'GET') servedFromCache.value = fromCache;
  if (res.status === 204) return undefined as T;
  const type = res.headers.get('Content-Type') ?? '';
  return (type.includes('json') ? await res.json() : await res.text()) as T;
}

export const get = <T>(path: string, opts?: RequestOptions) => api<T>('GET', path, undefined, opts);
export const post = <T>(path: string, body?: unknown, opts?: RequestOptions) => api<T>('POST', path, body, opts);
export const put = <T>(path: string, body: unknown) => api<T>('PUT', path, body);
export const patch = <T>(path: string, body: unknown) => api<T>('PATCH', path, body);
export const del = <T = void>(path: string, body?: unknown) => api<T>('DELETE', path, body);

/** Builds a query string, leaving out undefined values. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? '?' + s : '';
}
