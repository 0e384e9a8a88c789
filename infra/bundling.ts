/**
 * How every function is bundled, in esbuild's terms: read by AppFunction (NodejsFunction's bundling
 * options) and by the bundle-size benchmark (bench/suites/bundles.ts), so both measure the same thing.
 * Plain data, no CDK import.
 */
export const functionBundling = {
  format: 'esm',
  platform: 'node',
  target: 'node22',
  mainFields: ['module', 'main'],
  minify: true,
  treeShaking: true,
  // ESM bundles have no `require`; a few CommonJS dependencies still call it.
  banner:
    "import { createRequire as __hotlineCreateRequire } from 'node:module'; const require = __hotlineCreateRequire(import.meta.url);",
} as const;

/** Budget per function bundle, minified (issue 8). */
export const bundleBudgetBytes = 1024 * 1024;
