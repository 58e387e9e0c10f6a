// A small typed fetch client for /v1. The bearer token lives in sessionStorage
// (one tab, gone when the tab closes; never in a cookie, so no CSRF surface).
// Errors come back as ApiError carrying the RFC 9457 problem and its field errors.
import type { Problem as ProblemSchema } from '../../shared/schemas/common.ts';
import type { z } from 'zod';

export type Problem = z.infer<typeof ProblemSchema>;

const TOKEN_KEY = 'symbiose.token';

export const tokenStore = {
  get: (): string | null => sessionStorage.getItem(TOKEN_KEY),
  set: (t: string) => sessionStorage.setItem(TOKEN_KEY, t),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

let onUnauthenticated: () => void = () => {};
/** Called when the API answers 401 to an authenticated call (expired token). */
export function setUnauthenticatedHandler(fn: () => void): void {
  onUnauthenticated = fn;
}

export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem;
  /** Field errors by path without the « body. » prefix: « flows.2.unit » → message. */
  readonly fields: Record<string, string>;

  constructor(status: number, problem: Problem) {
    super(problem.detail ?? problem.title);
    this.status = status;
    this.problem = problem;
    this.fields = {};
    for (const e of problem.errors ?? []) {
      const key = e.path.replace(/^body\.?/, '');
      this.fields[key] ??= e.message;
    }
  }

  get code(): string {
    return this.problem.code;
  }
}

type Query = Record<string, string | number | boolean | undefined | null>;

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  ifMatch?: string | null;
  signal?: AbortSignal;
}

export interface ApiResponse<T> {
  data: T;
  etag: string | null;
  status: number;
}

function urlOf(path: string, query?: Query): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v !== undefined && v !== null && v !== '') qs.set(k, String(v));
  }
  const s = qs.toString();
  return `/v1${path}${s ? `?${s}` : ''}`;
}

async function problemOf(res: Response): Promise<Problem> {
  try {
    const body = (await res.json()) as Partial<Problem>;
    if (body && typeof body.code === 'string') return body as Problem;
  } catch {
    // not JSON: fall through
  }
  return {
    type: 'about:blank',
    title: res.statusText || 'Erreur',
    status: res.status,
    detail: `Le serveur a répondu ${res.status}`,
    code: 'http_error',
  };
}

export async function request<T>(
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  path: string,
  opts: RequestOptions = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const token = tokenStore.get();
  if (token) headers.authorization = `Bearer ${token}`;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (opts.ifMatch) headers['if-match'] = opts.ifMatch;
  let res: Response;
  try {
    res = await fetch(urlOf(path, opts.query), {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      signal: opts.signal,
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(0, {
      type: 'about:blank',
      title: 'Réseau indisponible',
      status: 0,
      detail: 'Le serveur ne répond pas ; vérifiez votre connexion et réessayez.',
      code: 'network',
    });
  }
  if (!res.ok) {
    const problem = await problemOf(res);
    if (res.status === 401 && token) onUnauthenticated();
    throw new ApiError(res.status, problem);
  }
  const data = (res.status === 204 ? null : await res.json()) as T;
  return { data, etag: res.headers.get('etag'), status: res.status };
}

export const api = {
  get: async <T>(path: string, query?: Query, signal?: AbortSignal) =>
    (await request<T>('GET', path, { query, signal })).data,
  post: async <T>(path: string, body?: unknown) => (await request<T>('POST', path, { body })).data,
  put: async <T>(path: string, body?: unknown) => (await request<T>('PUT', path, { body })).data,
  patch: async <T>(path: string, body: unknown) => (await request<T>('PATCH', path, { body })).data,
  del: async (path: string) => {
    await request<null>('DELETE', path);
  },
};

/** Downloads a CSV (or any file) with the bearer token, as a file for the user. */
export async function download(path: string, query: Query, filename: string): Promise<void> {
  const token = tokenStore.get();
  const res = await fetch(urlOf(path, query), {
    headers: { accept: 'text/csv', ...(token ? { authorization: `Bearer ${token}` } : {}) },
  });
  if (!res.ok) throw new ApiError(res.status, await problemOf(res));
  // A plain link would carry no Authorization header: fetch, then save the Blob.
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A user-facing message for any thrown value. */
export function messageOf(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof Error) return err.message;
  return 'Erreur inattendue';
}
