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

/**
 * Import a customer CSV and wait until it is saved: a large file answers 202 with its job, which is followed
 * until it is done.
 */
export async function importCustomerCsv(api: SupervisorApi, csv: string): Promise<void> {
  const answer = await api('POST', '/api/customers/import', csv, 'text/csv');
  const job = answer.job as { id: string } | undefined;
  if (!job) return;
  for (;;) {
    const status = await api('GET', `/api/customers/imports/${job.id}`);
    if (status.state === 'done') return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
