import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';

/** The deployment stages this app knows. A stage is one pair of stacks in one account/region. */
export const stageNames = ['dev', 'prod'] as const;
export type StageName = (typeof stageNames)[number];

export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

export interface ThrottleLimits {
  /** Steady-state requests per second. */
  readonly rateLimit: number;
  /** Requests allowed in a burst. */
  readonly burstLimit: number;
}

/** Everything that differs between stages, resolved once from CDK context and typed. */
export interface StageConfig {
  readonly name: StageName;
  readonly isProduction: boolean;
  /** Stateful resources (table, user pool, log groups) survive stack deletion in prod only. */
  readonly removalPolicy: RemovalPolicy;
  readonly logRetention: RetentionDays;
  readonly logLevel: LogLevel;
  /** Origins of the staff portal: CORS of the API and OAuth redirect targets of the user pool client. */
  readonly portalOrigins: readonly string[];
  /** Prefix of the Cognito hosted domain; default derived from stage and account. */
  readonly authDomainPrefix?: string;
  /** Stage-wide limit for every route. */
  readonly apiThrottle: ThrottleLimits;
  /** Tighter limit for each unauthenticated route (status lookup guesses cost an attacker time). */
  readonly publicRouteThrottle: ThrottleLimits;
  /** Extra environment for every function (desk time zone, phone region, departments ...). */
  readonly functionEnvironment: Readonly<Record<string, string>>;
  /** Refresh token lifetime: about one shift. */
  readonly refreshTokenValidity: Duration;
}

/** Path of the portal page that receives the OAuth authorization code. */
export const portalCallbackPath = '/auth/callback';

const defaults: Record<StageName, Omit<StageConfig, 'name' | 'portalOrigins' | 'functionEnvironment'>> = {
  dev: {
    isProduction: false,
    removalPolicy: RemovalPolicy.DESTROY,
    logRetention: RetentionDays.TWO_WEEKS,
    logLevel: 'DEBUG',
    apiThrottle: { rateLimit: 50, burstLimit: 100 },
    publicRouteThrottle: { rateLimit: 5, burstLimit: 10 },
    refreshTokenValidity: Duration.hours(12),
  },
  prod: {
    isProduction: true,
    removalPolicy: RemovalPolicy.RETAIN,
    logRetention: RetentionDays.THREE_MONTHS,
    logLevel: 'INFO',
    apiThrottle: { rateLimit: 200, burstLimit: 400 },
    publicRouteThrottle: { rateLimit: 10, burstLimit: 20 },
    refreshTokenValidity: Duration.hours(12),
  },
};

/** Reads a context value; `lookup` is `app.node.tryGetContext`. */
export type ContextLookup = (key: string) => unknown;

/**
 * Resolve the stage configuration from CDK context (`cdk.json` or `-c key=value`).
 * Keys: `stage` (dev | prod, default dev), `portalOrigin` (comma-separated origins; required),
 * `authDomainPrefix`, `functionEnvironment` (object of strings). A bad value fails with its key.
 */
export function resolveStageConfig(lookup: ContextLookup): StageConfig {
  const name = readStageName(lookup('stage'));
  const base = defaults[name];
  const authDomainPrefix = readOptionalString(lookup('authDomainPrefix'), 'authDomainPrefix');
  if (authDomainPrefix !== undefined && !/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(authDomainPrefix)) {
    throw new Error(
      `Context "authDomainPrefix" must be lower-case letters, digits and hyphens: ${authDomainPrefix}`,
    );
  }
  return {
    name,
    ...base,
    portalOrigins: readPortalOrigins(lookup('portalOrigin'), name),
    ...(authDomainPrefix ? { authDomainPrefix } : {}),
    functionEnvironment: readEnvironment(lookup('functionEnvironment')),
  };
}

function readStageName(value: unknown): StageName {
  const name = value ?? 'dev';
  if (typeof name === 'string' && (stageNames as readonly string[]).includes(name)) return name as StageName;
  throw new Error(`Context "stage" must be one of ${stageNames.join(', ')}; got ${JSON.stringify(value)}`);
}

function readOptionalString(value: unknown, key: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new Error(`Context "${key}" must be a string`);
  return value;
}

function readPortalOrigins(value: unknown, stage: StageName): string[] {
  const raw = readOptionalString(value, 'portalOrigin');
  if (raw === undefined) {
    throw new Error(
      `Context "portalOrigin" is required for stage ${stage} (e.g. -c portalOrigin=https://portal.example.org)`,
    );
  }
  const origins = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const origin of origins) {
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      throw new Error(`Context "portalOrigin" has an invalid URL: ${origin}`);
    }
    const isLocal = url.protocol === 'http:' && ['localhost', '127.0.0.1'].includes(url.hostname);
    if (url.origin !== origin || !(url.protocol === 'https:' || isLocal)) {
      throw new Error(
        `Context "portalOrigin" must list bare origins over https (http only for localhost): ${origin}`,
      );
    }
    // Cognito and browsers would accept a localhost portal in prod, but it has no business there.
    if (stage === 'prod' && isLocal) throw new Error(`Context "portalOrigin" for prod must not be localhost`);
  }
  if (origins.length === 0) throw new Error('Context "portalOrigin" lists no origin');
  return origins;
}

function readEnvironment(value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new Error('Context "functionEnvironment" must be an object of string values');
  }
  const env: Record<string, string> = {};
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw new Error(`Context "functionEnvironment.${key}" must be a string`);
    env[key] = v;
  }
  return env;
}
