/**
 * The one catalog of the functions and HTTP routes this app has.
 * Both the CDK app (infra/) and the local runtime (local/) read it, so a route or a
 * function exists in both or in neither. It imports no handler code: entries are paths.
 */

export type StaffRole = 'agent' | 'supervisor' | 'admin';

/** What a function may do with the one DynamoDB table. */
export type TableAccess = 'none' | 'read' | 'readWrite';

export interface FunctionSpec {
  /** Stable logical name, used for construct ids and local lookup. */
  readonly id: string;
  /** Entry file relative to the repository root; it exports `handler`. */
  readonly entry: string;
  readonly description: string;
  readonly table: TableAccess;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  /**
   * What invokes it besides HTTP routes: `contactFlow` (an InvokeLambdaFunction block of a contact
   * flow), `scheduler` (an EventBridge Scheduler target), `connectContactEvents` (the EventBridge rule
   * for "Amazon Connect Contact Event"). Infra grants and wires these; the local runtime routes them.
   */
  readonly triggers?: readonly FunctionTrigger[];
}

export type FunctionTrigger = 'contactFlow' | 'scheduler' | 'connectContactEvents';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteSpec {
  readonly method: HttpMethod;
  /** API Gateway HTTP API route path, e.g. `/api/tickets/{id}`. */
  readonly path: string;
  readonly functionId: string;
  /** `jwt`: the HTTP API JWT authorizer runs first; `public`: no token needed. */
  readonly auth: 'jwt' | 'public';
  readonly summary: string;
}

export const functions = [
  {
    id: 'TicketsApi',
    entry: 'functions/api/tickets.ts',
    description: 'Staff API: register, find, dispatch and follow complaints',
    table: 'readWrite',
    timeoutSeconds: 10,
    memoryMb: 512,
  },
  {
    id: 'CustomersApi',
    entry: 'functions/api/customers.ts',
    description: 'Customer registry: CSV import with a per-row report, export, incident selection preview',
    table: 'readWrite',
    timeoutSeconds: 29,
    memoryMb: 1024,
  },
  {
    id: 'PublicApi',
    entry: 'functions/api/public.ts',
    description: 'Public API: complaint status without personal data, OpenAPI document',
    table: 'read',
    timeoutSeconds: 5,
    memoryMb: 256,
  },
] as const satisfies readonly FunctionSpec[];

export type FunctionId = (typeof functions)[number]['id'];

export const routes = [
  {
    method: 'POST',
    path: '/api/customers/import',
    functionId: 'CustomersApi',
    auth: 'jwt',
    summary: 'Import customers from CSV (per-row report; dryRun=true previews)',
  },
  {
    method: 'GET',
    path: '/api/customers',
    functionId: 'CustomersApi',
    auth: 'jwt',
    summary: 'List customers',
  },
  {
    method: 'GET',
    path: '/api/customers/export',
    functionId: 'CustomersApi',
    auth: 'jwt',
    summary: 'Export the customer registry as CSV',
  },
  {
    method: 'GET',
    path: '/api/customers/access-log',
    functionId: 'CustomersApi',
    auth: 'jwt',
    summary: 'Who read or changed customer data (admin)',
  },
  {
    method: 'POST',
    path: '/api/customers/selection-preview',
    functionId: 'CustomersApi',
    auth: 'jwt',
    summary: 'Count the customers an incident selection reaches',
  },
  {
    method: 'GET',
    path: '/api/customers/{account}',
    functionId: 'CustomersApi',
    auth: 'jwt',
    summary: 'Read one customer',
  },
  {
    method: 'PUT',
    path: '/api/customers/{account}',
    functionId: 'CustomersApi',
    auth: 'jwt',
    summary: 'Create or change a customer',
  },
  {
    method: 'POST',
    path: '/api/tickets',
    functionId: 'TicketsApi',
    auth: 'jwt',
    summary: 'Register a complaint',
  },
  {
    method: 'GET',
    path: '/api/tickets',
    functionId: 'TicketsApi',
    auth: 'jwt',
    summary: 'List and search complaints',
  },
  {
    method: 'GET',
    path: '/api/tickets/{id}',
    functionId: 'TicketsApi',
    auth: 'jwt',
    summary: 'Read one complaint',
  },
  {
    method: 'GET',
    path: '/api/tickets/{id}/events',
    functionId: 'TicketsApi',
    auth: 'jwt',
    summary: 'Read the event history of a complaint',
  },
  {
    method: 'POST',
    path: '/api/tickets/{id}/dispatch',
    functionId: 'TicketsApi',
    auth: 'jwt',
    summary: 'Dispatch a complaint to a department',
  },
  {
    method: 'POST',
    path: '/api/tickets/{id}/contacts',
    functionId: 'TicketsApi',
    auth: 'jwt',
    summary: 'Record a contact attempt with the customer',
  },
  {
    method: 'POST',
    path: '/api/tickets/{id}/progress',
    functionId: 'TicketsApi',
    auth: 'jwt',
    summary: 'Record progress on a complaint',
  },
  {
    method: 'POST',
    path: '/api/tickets/{id}/department-result',
    functionId: 'TicketsApi',
    auth: 'jwt',
    summary: "Record the department's handling result",
  },
  {
    method: 'POST',
    path: '/api/tickets/{id}/resolve',
    functionId: 'TicketsApi',
    auth: 'jwt',
    summary: 'Resolve a complaint',
  },
  {
    method: 'POST',
    path: '/api/tickets/{id}/reopen',
    functionId: 'TicketsApi',
    auth: 'jwt',
    summary: 'Reopen a resolved or closed complaint',
  },
  {
    method: 'POST',
    path: '/api/tickets/{id}/extensions',
    functionId: 'TicketsApi',
    auth: 'jwt',
    summary: 'Request a deadline extension',
  },
  {
    method: 'POST',
    path: '/api/tickets/{id}/extensions/{extensionId}/decision',
    functionId: 'TicketsApi',
    auth: 'jwt',
    summary: 'Approve or reject a deadline extension',
  },
  {
    method: 'GET',
    path: '/api/status/{number}',
    functionId: 'PublicApi',
    auth: 'public',
    summary: 'Public status of a complaint by its number and the last four digits of the phone',
  },
  {
    method: 'GET',
    path: '/api/openapi.json',
    functionId: 'PublicApi',
    auth: 'public',
    summary: 'OpenAPI description of this API',
  },
] as const satisfies readonly RouteSpec[];

export type RouteKey = `${(typeof routes)[number]['method']} ${(typeof routes)[number]['path']}`;

/** Ids of the catalog functions invoked by the given trigger. */
export function functionsTriggeredBy(trigger: FunctionTrigger): string[] {
  return (functions as readonly FunctionSpec[]).filter((f) => f.triggers?.includes(trigger)).map((f) => f.id);
}

export function functionSpec(id: string): FunctionSpec {
  const spec = functions.find((f) => f.id === id);
  if (!spec) throw new Error(`Unknown function id in catalog: ${id}`);
  return spec;
}
