import * as z from 'zod';
import { routes } from '#functions/catalog';
import {
  contactSchema,
  departmentResultSchema,
  dispatchSchema,
  extensionDecisionSchema,
  extensionRequestSchema,
  listTicketsQuerySchema,
  pageQuerySchema,
  progressSchema,
  publicStatusQuerySchema,
  registerComplaintSchema,
  reopenSchema,
  resolveSchema,
} from '#shared/http/schemas';

interface RouteDoc {
  readonly body?: z.ZodType;
  readonly query?: z.ZodObject;
  /** The change is based on a version sent in If-Match. */
  readonly versioned?: boolean;
  readonly idempotent?: boolean;
}

/** Request schemas per route; the same objects the handlers validate with. */
const docs: Record<string, RouteDoc> = {
  'POST /api/tickets': { body: registerComplaintSchema, idempotent: true },
  'GET /api/tickets': { query: listTicketsQuerySchema },
  'GET /api/tickets/{id}/events': { query: pageQuerySchema },
  'POST /api/tickets/{id}/dispatch': { body: dispatchSchema, versioned: true },
  'POST /api/tickets/{id}/contacts': { body: contactSchema, versioned: true },
  'POST /api/tickets/{id}/progress': { body: progressSchema, versioned: true },
  'POST /api/tickets/{id}/department-result': { body: departmentResultSchema, versioned: true },
  'POST /api/tickets/{id}/resolve': { body: resolveSchema, versioned: true },
  'POST /api/tickets/{id}/reopen': { body: reopenSchema, versioned: true },
  'POST /api/tickets/{id}/extensions': { body: extensionRequestSchema, versioned: true },
  'POST /api/tickets/{id}/extensions/{extensionId}/decision': {
    body: extensionDecisionSchema,
    versioned: true,
  },
  'GET /api/status/{number}': { query: publicStatusQuerySchema },
};

const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        field: { type: 'string' },
        correlationId: { type: 'string' },
      },
    },
  },
};

const jsonSchema = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });

/** OpenAPI 3.1 description of the HTTP API, generated from the route catalog and the zod schemas. */
export function openApiDocument() {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const doc = docs[`${route.method} ${route.path}`] ?? {};
    const parameters: unknown[] = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    if (doc.query) {
      const shape = jsonSchema(doc.query) as { properties?: Record<string, unknown>; required?: string[] };
      for (const [name, schema] of Object.entries(shape.properties ?? {})) {
        parameters.push({ name, in: 'query', required: shape.required?.includes(name) ?? false, schema });
      }
    }
    if (doc.versioned) {
      parameters.push({
        name: 'If-Match',
        in: 'header',
        required: true,
        description: 'The version of the complaint this change is based on',
        schema: { type: 'string' },
      });
    }
    if (doc.idempotent) {
      parameters.push({
        name: 'Idempotency-Key',
        in: 'header',
        required: false,
        description: 'A repeat with the same key returns the first result',
        schema: { type: 'string' },
      });
    }
    const errors = Object.fromEntries(
      [
        '400',
        ...(route.auth === 'jwt' ? ['401', '403'] : []),
        '404',
        ...(doc.versioned ? ['409', '428'] : []),
        '500',
      ].map((code) => [
        code,
        { description: 'Error', content: { 'application/json': { schema: errorSchema } } },
      ]),
    );
    paths[route.path.replace(/^\/api/, '') || '/'] ??= {};
    (paths[route.path.replace(/^\/api/, '') || '/'] as Record<string, unknown>)[route.method.toLowerCase()] =
      {
        summary: route.summary,
        operationId: `${route.method.toLowerCase()}${route.path.replace(/[^a-zA-Z]+(\w)/g, (_, c: string) => c.toUpperCase())}`,
        ...(route.auth === 'jwt' ? { security: [{ bearer: [] }] } : { security: [] }),
        ...(parameters.length ? { parameters } : {}),
        ...(doc.body
          ? {
              requestBody: {
                required: true,
                content: { 'application/json': { schema: jsonSchema(doc.body) } },
              },
            }
          : {}),
        responses: {
          200: { description: 'OK' },
          ...(route.method === 'POST' && route.path === '/api/tickets'
            ? { 201: { description: 'Created' } }
            : {}),
          ...errors,
        },
      };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Complaint hotline API',
      version: '1.0.0',
      description: 'Staff API of the complaint desk and the public status lookup.',
    },
    servers: [{ url: '/api' }],
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    paths,
  };
}
