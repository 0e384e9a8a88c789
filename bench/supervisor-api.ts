import type { LocalRuntime } from '#local/runtime';

/** A supervisor's JSON calls to the runtime's HTTP API, as the bench suites make them. */
export type SupervisorApi = (
  method: string,
  path: string,
  body?: string,
  type?: string,
) => Promise<Record<string, unknown>>;

export async function supervisorApi(runtime: LocalRuntime): Promise<SupervisorApi> {
  const token = await runtime.token('bench', ['supervisor']);
  return async (method, path, body, type = 'application/json') => {
    const res = await fetch(`${runtime.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': type },
      ...(body === undefined ? {} : { body }),
    });
    return (await res.json()) as Record<string, unknown>;
  };
}
