import { describe, expect, it } from 'vitest';
import { openApiDocument } from '#functions/api/openapi';

type Operation = {
  responses: Record<string, { description: string }>;
  requestBody?: { required: boolean; content: Record<string, { schema: Record<string, any> }> };
  parameters?: { name: string; in: string; required: boolean }[];
};
const doc = openApiDocument() as unknown as { paths: Record<string, Record<string, Operation>> };
const op = (path: string, method: string) => {
  const found = doc.paths[path]?.[method];
  if (!found) throw new Error(`${method} ${path} is not documented`);
  return found;
};
const codes = (o: Operation) => Object.keys(o.responses).sort();

describe('the OpenAPI document says what the handlers answer', () => {
  it('a promised answer: 201 on success, 404 for an unknown complaint, 409 when not promisable', () => {
    const promise = op('/tickets/{id}/promise', 'post');
    expect(promise.responses['201']).toBeDefined();
    expect(promise.responses['200']).toBeUndefined();
    expect(codes(promise)).toEqual(expect.arrayContaining(['201', '404', '409']));
    // The body is optional (and empty when sent).
    expect(promise.requestBody?.required).toBe(false);
  });

  it('a report recipient: PUT 201 when added, 200 when changed; DELETE 204, 404 when unknown', () => {
    const put = op('/report-recipients/{email}', 'put');
    expect(put.responses['201']?.description).toMatch(/added/);
    expect(put.responses['200']?.description).toMatch(/changed/);
    const remove = op('/report-recipients/{email}', 'delete');
    expect(remove.responses['204']).toBeDefined();
    expect(remove.responses['200']).toBeUndefined();
    expect(remove.responses['404']).toBeDefined();
  });

  it('documents assigning a complaint (If-Match, the assignee) and the assignee filter of the list', () => {
    const assign = op('/tickets/{id}/assign', 'post');
    expect(assign.parameters?.find((p) => p.name === 'If-Match')?.required).toBe(true);
    expect(assign.requestBody?.content['application/json']?.schema.required).toEqual(['assignee']);
    expect(codes(assign)).toEqual(expect.arrayContaining(['200', '403', '409', '428']));
    expect(op('/tickets', 'get').parameters?.map((p) => p.name)).toContain('assignee');
  });

  it('documents the customer search parameters', () => {
    const names = op('/customers', 'get').parameters?.map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(['q', 'district', 'street', 'segment', 'limit', 'cursor']));
  });

  it('a callback: 201 booked, 200 joined or replayed, the Idempotency-Key header, 400/404/409', () => {
    const book = op('/callbacks', 'post');
    expect(book.responses['201']?.description).toMatch(/new callback/);
    expect(book.responses['200']?.description).toMatch(/Joined.*Idempotency-Key/s);
    expect(book.parameters?.find((p) => p.name === 'Idempotency-Key')?.required).toBe(false);
    expect(codes(book)).toEqual(expect.arrayContaining(['400', '404', '409']));
    expect(book.requestBody?.content['application/json']?.schema.required).toEqual(['phone']);
  });
});
