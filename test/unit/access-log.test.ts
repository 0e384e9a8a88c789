/** Issue 17 line 16: every successful read of personal data is logged at the API edge, from the catalog. */
import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { personalDataOf } from '#functions/api/routed';
import { functions, type PersonalDataUse, routes } from '#functions/catalog';
import { type ApiResponse, apiHandler } from '#shared/http/api';
import { HttpError } from '#shared/http/errors';
import type { PersonalDataRead } from '#shared/ports/access-log';
import { personalDataReads } from '#shared/use-cases/access-log';
import { anApiEvent } from '#test/support/api-event';

const at = new Date('2026-03-02T09:00:00Z');
const context = {} as Context;

function aDesk(options: { failWrites?: boolean } = {}) {
  const reads: PersonalDataRead[] = [];
  const ok = async (): Promise<ApiResponse> => ({ statusCode: 200, body: { name: 'Jane Smith' } });
  const handler = apiHandler(
    {
      'GET /api/call-jobs/{id}': ok,
      'GET /api/reports': ok,
      'GET /api/broken': async () => {
        throw new HttpError(404, 'NOT_FOUND', 'No such job');
      },
    },
    {
      personalData: {
        'GET /api/call-jobs/{id}': { reads: 'following an outbound call' },
        'GET /api/reports': 'none',
        'GET /api/broken': { reads: 'following an outbound call' },
      },
      recordRead: async (read) => {
        if (options.failWrites) throw new Error('table unavailable');
        reads.push(read);
      },
      now: () => at,
    },
  );
  return { handler, reads };
}

describe('the access log at the API edge', () => {
  it('a successful call of a route that reads personal data records who, when, route, ids and why', async () => {
    const { handler, reads } = aDesk();
    const res = await handler(
      anApiEvent('GET /api/call-jobs/{id}', {
        pathParameters: { id: 'job-7' },
        username: 'sam',
        groups: ['supervisor'],
      }),
      context,
    );
    expect(res.statusCode).toBe(200);
    expect(reads).toEqual([
      {
        at: at.toISOString(),
        username: 'sam',
        roles: ['supervisor'],
        route: 'GET /api/call-jobs/{id}',
        ids: { id: 'job-7' },
        purpose: 'following an outbound call',
      },
    ]);
  });

  it('a route that shows no personal data records nothing', async () => {
    const { handler, reads } = aDesk();
    expect((await handler(anApiEvent('GET /api/reports'), context)).statusCode).toBe(200);
    expect(reads).toEqual([]);
  });

  it('a refused or failed request records nothing: no data was shown', async () => {
    const { handler, reads } = aDesk();
    expect((await handler(anApiEvent('GET /api/broken'), context)).statusCode).toBe(404);
    expect(reads).toEqual([]);
  });

  it('an entry that cannot be written fails the request: the data is not sent unlogged', async () => {
    const { handler } = aDesk({ failWrites: true });
    const res = await handler(
      anApiEvent('GET /api/call-jobs/{id}', { pathParameters: { id: 'job-7' } }),
      context,
    );
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('Jane Smith');
  });
});

describe('the route catalog decides for every route', () => {
  it('marks the routes that show customers, call jobs and recipients as reads, each with a purpose', () => {
    const use = (key: string) => routes.find((r) => `${r.method} ${r.path}` === key)?.personalData;
    for (const key of [
      'GET /api/call-jobs',
      'GET /api/call-jobs/{id}',
      'GET /api/broadcasts/{id}/recipients',
      'GET /api/broadcasts/{id}/report',
      'GET /api/tickets/{id}',
      'GET /api/customers/{account}',
    ]) {
      expect(use(key), key).toEqual({ reads: expect.stringMatching(/\w/) });
    }
    expect(use('GET /api/status/{number}')).toBe('none');
  });

  it('a function with a reads route may write the table (its access log entries)', () => {
    for (const route of routes) {
      if ((route.personalData as PersonalDataUse) === 'none') continue;
      const fn = functions.find((f) => f.id === route.functionId);
      expect(fn?.table, `${route.functionId} serves ${route.method} ${route.path}`).toBe('readWrite');
    }
  });

  it("each function's handler gets exactly its routes' marks", () => {
    expect(personalDataOf('ReportsApi')).toEqual({
      'GET /api/reports': 'none',
      'GET /api/reports/accountability': 'none',
      'GET /api/audit': { reads: 'auditing reads of personal data' },
    });
  });
});

describe('reading the access log', () => {
  const log = {
    recordRead: async () => undefined,
    reads: async () => ({ items: [] as PersonalDataRead[] }),
  };
  it('is for admins only', async () => {
    const staff = (roles: ('agent' | 'supervisor' | 'admin')[]) => ({
      kind: 'staff' as const,
      username: 'x',
      roles,
    });
    await expect(personalDataReads({ accessLog: log }, staff(['supervisor']), { limit: 10 })).rejects.toThrow(
      /admin/,
    );
    await expect(personalDataReads({ accessLog: log }, staff(['admin']), { limit: 10 })).resolves.toEqual({
      items: [],
    });
  });
});
