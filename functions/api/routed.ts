import type { FunctionId, RouteKeyOf } from '#functions/catalog';
import { apiHandler, type RouteHandler } from '#shared/http/api';

/**
 * The Lambda handler of one catalog function's routes. Its map must name exactly the routes the catalog
 * gives that function: one missing, misspelt or belonging to another function fails `tsc`.
 */
export function routedHandler<F extends FunctionId>(
  _functionId: F,
  routes: { readonly [K in RouteKeyOf<F>]: RouteHandler },
): ReturnType<typeof apiHandler> {
  return apiHandler(routes as Readonly<Record<string, RouteHandler>>);
}
