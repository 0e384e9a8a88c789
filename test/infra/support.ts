import { readFileSync } from 'node:fs';
import { buildApp, type HotlineApp } from '#infra/build-app';

/** The context `cdk synth` gets from cdk.json (stage, portal origin, feature flags). */
export const cdkJsonContext: Record<string, unknown> = JSON.parse(
  readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8'),
).context;

export const prodContext = { stage: 'prod', portalOrigin: 'https://portal.hotline.test' } as const;

/** Skips esbuild for tests that only look at templates (the function code becomes a placeholder). */
export const withoutBundling = { 'aws:cdk:bundling-stacks': [] } as const;

/** Build the app as the CDK CLI would from cdk.json, with context overrides. */
export function buildTestApp(context: Record<string, unknown> = {}): HotlineApp {
  return buildApp({ context: { ...cdkJsonContext, ...context } });
}
