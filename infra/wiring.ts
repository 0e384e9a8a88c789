import { functions as catalogFunctions, type FunctionNeeds, type FunctionSpec } from '#functions/catalog';

export type { FunctionNeeds };

/** Function id -> what it needs, as each catalog entry declares it (functions/catalog.ts). */
export const functionNeeds: Readonly<Record<string, FunctionNeeds>> = Object.fromEntries(
  (catalogFunctions as readonly FunctionSpec[]).flatMap((f) => (f.needs ? [[f.id, f.needs]] : [])),
);

/** Every `functionNeeds` key must name a catalog function. */
export function checkFunctionNeeds(
  needs: Readonly<Record<string, FunctionNeeds>> = functionNeeds,
  specs: readonly FunctionSpec[] = catalogFunctions,
): void {
  const known = new Set(specs.map((s) => s.id));
  const unknown = Object.keys(needs).filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw new Error(
      `infra/wiring.ts names functions that are not in functions/catalog.ts: ${unknown.join(', ')}`,
    );
  }
}
