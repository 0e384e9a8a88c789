import { readFileSync } from 'node:fs';
import { functions as catalogFunctions, type FunctionSpec } from '#functions/catalog';
import { buildApp, type HotlineApp } from '#infra/build-app';
import type { FunctionNeeds } from '#infra/wiring';

/** The context `cdk synth` gets from cdk.json (stage, portal origin, feature flags). */
export const cdkJsonContext: Record<string, unknown> = JSON.parse(
  readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8'),
).context;

export const prodContext = {
  stage: 'prod',
  portalOrigin: 'https://portal.hotline.test',
  senderEmail: 'desk@hotline.test',
} as const;

/** Skips esbuild for tests that only look at templates (the function code becomes a placeholder). */
export const withoutBundling = { 'aws:cdk:bundling-stacks': [] } as const;

/**
 * Where tests look for the built portal: nowhere, unless a test passes `portalDist`, so the templates do not
 * depend on whether web/dist happens to be built in this checkout.
 */
export const noPortalBuild = { portalDist: 'test/infra/no-portal-build', portal: 'false' } as const;

/** Build the app as the CDK CLI would from cdk.json, with context overrides. */
export function buildTestApp(context: Record<string, unknown> = {}): HotlineApp {
  return buildApp({ context: { ...cdkJsonContext, ...noPortalBuild, ...context } });
}

/**
 * Functions of each trigger and need the generic wiring must handle, whether or not the catalog has them yet:
 * added to the catalog's functions (their code is an existing entry; only the templates are looked at).
 */
export const wiringFixture = {
  functionSpecs: [
    ...catalogFunctions,
    {
      id: 'FixtureSweep',
      entry: 'functions/api/public.ts',
      description: 'Fixture: the periodic deadline sweep',
      table: 'readWrite',
      timeoutSeconds: 60,
      memoryMb: 256,
      triggers: ['scheduler'],
    },
    {
      id: 'FixtureDialer',
      entry: 'functions/api/public.ts',
      description: 'Fixture: the outbound dialer',
      table: 'readWrite',
      timeoutSeconds: 60,
      memoryMb: 256,
      triggers: ['scheduler', 'connectContactEvents'],
    },
    {
      id: 'FixtureNotifier',
      entry: 'functions/api/public.ts',
      description: 'Fixture: mails only',
      table: 'read',
      timeoutSeconds: 10,
      memoryMb: 256,
    },
  ] satisfies readonly FunctionSpec[] as readonly FunctionSpec[],
  functionNeeds: {
    FixtureSweep: { schedules: ['set', 'clear'] },
    FixtureDialer: { schedules: ['set'], calls: ['start', 'stop'], sendEmail: true },
    FixtureNotifier: { sendEmail: true },
  } satisfies Record<string, FunctionNeeds>,
};

/** The app with the catalog plus `wiringFixture`, templates only. */
export function buildWiredTestApp(context: Record<string, unknown> = {}): HotlineApp {
  return buildApp({
    context: { ...cdkJsonContext, ...noPortalBuild, ...withoutBundling, ...context },
    ...wiringFixture,
  });
}
