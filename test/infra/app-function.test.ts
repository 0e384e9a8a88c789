import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AssetStaging } from 'aws-cdk-lib';
import { Stack } from 'aws-cdk-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { type FunctionSpec, functions } from '#functions/catalog';
import type { HotlineApp } from '#infra/build-app';
import { AppFunction } from '#infra/constructs/app-function';
import { buildTestApp } from './support';

describe('app function bundling', () => {
  let hotline: HotlineApp;

  beforeAll(() => {
    hotline = buildTestApp();
  });

  const bundleDir = (id: string): string => {
    const fn = hotline.api.functions.get(id);
    const staging = fn?.function.node.findChild('Code').node.findChild('Stage') as AssetStaging | undefined;
    if (!staging) throw new Error(`no staged code for ${id}`);
    return staging.absoluteStagedPath;
  };

  it.each(functions)('bundles $id as one ESM file with a source map and a require shim', (spec) => {
    const dir = bundleDir(spec.id);
    const code = readFileSync(path.join(dir, 'index.mjs'), 'utf8');
    expect(existsSync(path.join(dir, 'index.mjs.map'))).toBe(true);
    expect(code.startsWith("import { createRequire as __hotlineCreateRequire } from 'node:module';")).toBe(
      true,
    );
    expect(code).toContain('sourceMappingURL=index.mjs.map');
  });

  it.each(functions)('resolves the package.json imports and bundles the AWS SDK in $id', (spec) => {
    const code = readFileSync(path.join(bundleDir(spec.id), 'index.mjs'), 'utf8');
    expect(code).not.toMatch(/["']#(shared|functions|infra|local)\//);
    expect(code).not.toMatch(/from\s*["']@aws-sdk\//);
  });

  it.each(functions)('produces a bundle of $id that Node loads and that exports handler', async (spec) => {
    const bundle = path.join(bundleDir(spec.id), 'index.mjs');
    // As on Lambda, the configuration a handler may read when it loads.
    process.env.TABLE_NAME ??= 'HotlineTable';
    const module = (await import(pathToFileURL(bundle).href)) as { handler?: unknown };
    expect(typeof module.handler).toBe('function');
  });
});

describe('app function entry', () => {
  it('refuses a catalog entry whose file does not exist, naming it', () => {
    const hotline = buildTestApp({ 'aws:cdk:bundling-stacks': [] });
    const stack = new Stack(hotline.app, 'Scratch');
    const spec: FunctionSpec = {
      id: 'Ghost',
      entry: 'functions/api/ghost.ts',
      description: 'A function whose file was never written',
      table: 'none',
      timeoutSeconds: 3,
      memoryMb: 128,
    };
    expect(
      () => new AppFunction(stack, 'Ghost', { spec, stage: hotline.stage, table: hotline.stateful.table }),
    ).toThrow(/Ghost: entry functions\/api\/ghost\.ts does not exist/);
  });
});
