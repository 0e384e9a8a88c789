import { currentSession } from './auth';
import type { PortalConfig } from './config';

/** An error the API answered with: `{ error: { code, message, field? } }` and its status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

export interface ApiClient {
  get<T>(path: string): Promise<T>;
  post<T>(path: string, body: unknown, headers?: Record<string, string>): Promise<T>;
  download(path: string): Promise<Blob>;
  put<T>(path: string, body: unknown): Promise<T>;
  /** DELETE; the answer's body (often none) is not read. */
  del(path: string): Promise<void>;
  /** POST a file's bytes as they are (e.g. a CSV import), answered with JSON. */
  upload<T>(path: string, file: Blob, contentType: string): Promise<T>;
}

export function apiClient(config: PortalConfig, onUnauthenticated: () => void): ApiClient {
  const call = async (
    method: string,
    path: string,
    body?: unknown,
    extra: Record<string, string> = {},
    raw?: Blob,
  ) => {
    const session = currentSession();
    if (!session) {
      onUnauthenticated();
      throw new ApiError(401, 'UNAUTHENTICATED', 'Sign in first');
    }
    let res: Response;
    try {
      res = await fetch(`${config.apiBase}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${session.token}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...extra,
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : raw ? { body: raw } : {}),
      });
    } catch {
      throw new ApiError(0, 'NETWORK', 'network');
    }
    if (res.status === 401) onUnauthenticated();
    if (!res.ok) {
      const payload = (await res.json().catch(() => ({}))) as {
        error?: { code?: string; message?: string; field?: string };
        message?: string;
      };
      throw new ApiError(
        res.status,
        payload.error?.code ?? 'HTTP',
        payload.error?.message ?? payload.message ?? `HTTP ${res.status}`,
        payload.error?.field,
      );
    }
    return res;
  };
  return {
    get: async <T>(path: string) => (await (await call('GET', path)).json()) as T,
    post: async <T>(path: string, body: unknown, headers?: Record<string, string>) =>
      (await (await call('POST', path, body, headers)).json()) as T,
    download: async (path: string) => (await call('GET', path)).blob(),
    put: async <T>(path: string, body: unknown) => (await (await call('PUT', path, body)).json()) as T,
    del: async (path: string) => {
      await call('DELETE', path);
    },
    upload: async <T>(path: string, file: Blob, contentType: string) =>
      (await (await call('POST', path, undefined, { 'content-type': contentType }, file)).json()) as T,
  };
}
