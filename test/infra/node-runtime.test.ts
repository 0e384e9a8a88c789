import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { functionBundling } from '#infra/bundling';
import { nodeRuntime } from '#infra/constructs/app-function';

const REPO_ROOT = join(import.meta.dirname, '../..');
const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
  engines: { node: string };
  devDependencies: Record<string, string>;
};

/** The major version of Node.js that Lambda runs our functions on, e.g. 22 of `nodejs22.x`. */
const lambdaMajor = Number(/^nodejs(\d+)\.x$/.exec(nodeRuntime.name)?.[1]);

describe('one Node.js version locally and on Lambda', () => {
  it('the Lambda runtime is a Node.js runtime with a major version', () => {
    expect(lambdaMajor).toBeGreaterThanOrEqual(22);
  });

  it("the project's scripts (this test included) run on the Lambda runtime's major version", () => {
    expect(Number(process.versions.node.split('.')[0])).toBe(lambdaMajor);
  });

  it("the node package that puts it on the scripts' PATH, the engines field and the bundle target agree", () => {
    expect(manifest.devDependencies.node).toMatch(new RegExp(`^\\^${lambdaMajor}\\.`));
    expect(manifest.engines.node).toBe(`>=${lambdaMajor}`);
    expect(functionBundling.target).toBe(`node${lambdaMajor}`);
  });
});
