import {
  routes as catalogRoutes,
  type FunctionId,
  type PersonalDataUse,
  type RouteKeyOf,
} from '#functions/catalog';
import { dependencies } from '#shared/adapters/dependencies';
import { apiHandler, type RouteHandler } from '#shared/http/api';

/** What each route of a function shows of personal data, as the catalog declares it. */
export function personalDataOf(functionId: FunctionId): Readonly<Record<string, PersonalDataUse>> {
  return Object.fromEntries(
    catalogRoutes
      .filter((r) => r.functionId === functionId)
      .map((r) => [`${r.method} ${r.path}`, r.personalData as PersonalDataUse]),
  );
}

/**
 * The Lambda handler of one catalog function's routes. Its map must name exactly the routes the catalog
 * gives that function: one missing, misspelt or belonging to another function fails `tsc`. Every successful
 * answer of a route the catalog marks as reading personal data is written to the access log first.
 */
export function routedHandler<F extends FunctionId>(
  functionId: F,
  routes: { readonly [K in RouteKeyOf<F>]: RouteHandler },
): ReturnType<typeof apiHandler> {
  return apiHandler(routes as Readonly<Record<string, RouteHandler>>, {
    personalData: personalDataOf(functionId),
    recordRead: (read) => dependencies().accessLog.recordRead(read),
    now: () => dependencies().clock.now(),
  });
}
