/**
 * The architecture's dependency rules (docs: architecture.md "Layout": dependencies point inward), checked
 * by `npm run lint:deps` in `npm test`. Paths are relative to the repository root; `#shared/*` style
 * imports resolve through package.json "imports" like every other import.
 * Known violations still being removed are listed in .dependency-cruiser-known-violations.json, which
 * `--ignore-known` skips; any other violation fails. After removing one, shrink the list with
 * `npx depcruise-baseline shared functions infra local web/src bench --config .dependency-cruiser.cjs`
 * (never regenerate it to hide a new violation).
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment:
        'shared/domain/ is plain rules: it imports only shared/domain/, plus the pure libraries it uses ' +
        'today: node:crypto (the survey link HMAC), libphonenumber-js (phone number rules) and csv-parse / ' +
        'csv-stringify (the CSV files the desk reads and writes). No AWS SDK, no other builtin, no ports, ' +
        'adapters, http or config.',
      severity: 'error',
      from: { path: '^shared/domain/' },
      to: {
        pathNot: [
          '^shared/domain/',
          '^node_modules/libphonenumber-js/',
          '^node_modules/csv-(parse|stringify)/',
          '^(node:)?crypto$',
        ],
      },
    },
    {
      name: 'ports-see-only-domain',
      comment:
        "shared/ports/ are interfaces in the domain's terms: they import only shared/domain/, shared/ports/ " +
        "and two plain declarations: the configuration's shape (shared/config.ts) and the metric names.",
      severity: 'error',
      from: { path: '^shared/ports/' },
      to: { pathNot: ['^shared/(domain|ports)/', '^shared/config\\.ts$', '^shared/desk-metric-names\\.ts$'] },
    },
    {
      name: 'use-cases-see-ports',
      comment:
        'shared/use-cases/ and shared/reactions/ reach the outside world only through the ports ' +
        '(shared/ports/dependencies.ts); the one composition root (shared/adapters/dependencies.ts) wires adapters.',
      severity: 'error',
      from: { path: '^shared/(use-cases|reactions)/' },
      to: { path: ['^shared/adapters/', '^node_modules/(@aws-sdk|@smithy)/'] },
    },
    {
      name: 'no-local-in-deployed-code',
      comment:
        'local/ is the embedded runtime; the deployed code (functions/, shared/, infra/) never needs it.',
      severity: 'error',
      from: { path: '^(functions|shared|infra)/' },
      to: { path: '^local/' },
    },
    {
      name: 'ops-talks-over-the-wire',
      comment:
        'ops/ (preflight, smoke) checks an account or a running desk as an outsider: AWS APIs and HTTP, never the local runtime in process.',
      severity: 'error',
      from: { path: '^ops/' },
      to: { path: '^local/' },
    },
    {
      name: 'shared-points-inward',
      comment: 'shared/ is used by functions/ and infra/, never the other way round.',
      severity: 'error',
      from: { path: '^shared/' },
      to: { path: '^(functions|infra)/' },
    },
    {
      name: 'portal-stays-in-the-browser',
      comment:
        'web/ (the staff portal) may use shared/domain and shared/http schemas, but no adapter, no local/ or ' +
        'infra/ code and no AWS SDK package: they would land in the browser bundle.',
      severity: 'error',
      from: { path: '^web/' },
      to: { path: ['^shared/adapters/', '^local/', '^infra/', '^node_modules/(@aws-sdk|@smithy|aws-sdk)/'] },
    },
    {
      name: 'no-circular',
      comment: 'No import cycles in the source tree (test files may have their own).',
      severity: 'error',
      from: { pathNot: '^test/' },
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import that resolves to nothing on disk: a missing package or a wrong path.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'no-non-package-json',
      comment: 'A package used but not declared in package.json: it only works by accident of hoisting.',
      severity: 'error',
      from: {},
      to: { dependencyTypes: ['npm-no-pkg', 'npm-unknown'] },
    },
    {
      name: 'no-dev-dependency-in-production-code',
      comment:
        'shared/ and functions/ are bundled into the Lambdas: a devDependency there is missing in a ' +
        'production install. Type-only imports (e.g. @types/aws-lambda) are erased and fine.',
      severity: 'error',
      from: { path: '^(shared|functions)/' },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    doNotFollow: { path: ['node_modules'] },
    // Type-only imports are edges too: a port that imports an adapter's type is still wrong.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    skipAnalysisNotInRules: true,
  },
};
