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
  /**
   * Extra origins of the staff portal (custom domain, local Vite server) besides its CloudFront distribution:
   * CORS of the API and OAuth redirect targets of the user pool client. Empty when context `portalOrigin` is unset.
   */
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
  /** The Amazon Connect instance: created by the stateful stack, or imported. */
  readonly connect: ConnectConfig;
  /** The address the hotline mails from (an SES email identity). */
  readonly senderEmail: string;
  /**
   * The sender is already an SES identity of the account (verified by hand, or shared by dev and prod):
   * the stack uses it instead of creating it, which would fail (context `senderIdentityExists=true`).
   */
  readonly senderIdentityExists: boolean;
  /** Where alarm notifications go (an SNS e-mail subscription); none when unset. */
  readonly alarmEmail?: string;
}

/** Phone number types this app knows how to claim (CloudFormation `AWS::Connect::PhoneNumber.Type`). */
export const phoneNumberTypes = ['DID', 'TOLL_FREE'] as const;
export type PhoneNumberType = (typeof phoneNumberTypes)[number];

export interface PhoneNumberClaim {
  /** ISO 3166 alpha-2 country, e.g. `US`. */
  readonly countryCode: string;
  readonly type: PhoneNumberType;
  /** Optional E.164 prefix the number must start with, e.g. `+1555`. */
  readonly prefix?: string;
}

export interface ConnectConfig {
  /** Use this existing instance (context `connectInstanceArn`) instead of creating one. */
  readonly instanceArn?: string;
  /** Alias of a created instance (its login URL); default `hotline-<stage>-<account>`. */
  readonly instanceAlias?: string;
  /** The hotline number to claim; `undefined` when `claimPhoneNumber` is `false`. */
  readonly phoneNumber?: PhoneNumberClaim;
}

/** Used in dev when no `senderEmail` is given: mail is then accepted by SES but cannot be verified. */
export const placeholderSenderEmail = 'hotline@example.com';

/** Path of the portal page that receives the OAuth authorization code. */
export const portalCallbackPath = '/auth/callback';

type StageDefaults = Omit<
  StageConfig,
  | 'name'
  | 'portalOrigins'
  | 'functionEnvironment'
  | 'connect'
  | 'senderEmail'
  | 'senderIdentityExists'
  | 'alarmEmail'
>;

const defaults: Record<StageName, StageDefaults> = {
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
 * Keys: `stage` (dev | prod, default dev), `portalOrigin` (comma-separated extra portal origins),
 * `authDomainPrefix`, `functionEnvironment` (object of strings), `connectInstanceArn`, `connectInstanceAlias`,
 * `claimPhoneNumber`, `phoneCountryCode`, `phoneNumberType`, `phoneNumberPrefix`, `senderEmail`, `alarmEmail`.
 * A bad value fails with its key.
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
    connect: readConnectConfig(lookup),
    senderEmail: readSenderEmail(lookup('senderEmail'), name),
    senderIdentityExists: readFlag(lookup('senderIdentityExists'), 'senderIdentityExists', false),
    ...optionalEmail(lookup('alarmEmail'), 'alarmEmail'),
  };
}

const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const connectInstanceArnPattern = /^arn:aws[a-z-]*:connect:[a-z0-9-]+:\d{12}:instance\/[0-9a-f-]{36}$/;

function readFlag(value: unknown, key: string, fallback: boolean): boolean {
  if (value === undefined || value === null || value === '') return fallback;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new Error(`Context "${key}" must be true or false`);
}

function readSenderEmail(value: unknown, stage: StageName): string {
  const email = readOptionalString(value, 'senderEmail');
  if (email === undefined) {
    if (stage === 'prod')
      throw new Error('Context "senderEmail" is required for stage prod (-c senderEmail=...)');
    return placeholderSenderEmail;
  }
  if (!emailPattern.test(email)) throw new Error(`Context "senderEmail" is not an e-mail address: ${email}`);
  // RFC 2606 names can never be verified in SES: a prod deploy with one would silently send nothing.
  if (stage === 'prod' && /@(?:[^@]+\.)?example\.(?:com|org|net)$/i.test(email)) {
    throw new Error(`Context "senderEmail" for prod must be a real, verifiable address: ${email}`);
  }
  return email;
}

function optionalEmail(value: unknown, key: string): { alarmEmail?: string } {
  const email = readOptionalString(value, key);
  if (email === undefined) return {};
  if (!emailPattern.test(email)) throw new Error(`Context "${key}" is not an e-mail address: ${email}`);
  return { alarmEmail: email };
}

function readConnectConfig(lookup: ContextLookup): ConnectConfig {
  const instanceArn = readOptionalString(lookup('connectInstanceArn'), 'connectInstanceArn');
  if (instanceArn !== undefined && !connectInstanceArnPattern.test(instanceArn)) {
    throw new Error(`Context "connectInstanceArn" is not an Amazon Connect instance ARN: ${instanceArn}`);
  }
  const instanceAlias = readOptionalString(lookup('connectInstanceAlias'), 'connectInstanceAlias');
  if (
    instanceAlias !== undefined &&
    !/^(?!d-)[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,60}[a-zA-Z0-9])?$/.test(instanceAlias)
  ) {
    throw new Error(`Context "connectInstanceAlias" must be letters, digits and hyphens: ${instanceAlias}`);
  }
  const claim = lookup('claimPhoneNumber');
  if (claim !== undefined && claim !== true && claim !== false && claim !== 'true' && claim !== 'false') {
    throw new Error('Context "claimPhoneNumber" must be true or false');
  }
  return {
    ...(instanceArn ? { instanceArn } : {}),
    ...(instanceAlias ? { instanceAlias } : {}),
    ...(claim === false || claim === 'false' ? {} : { phoneNumber: readPhoneNumberClaim(lookup) }),
  };
}

function readPhoneNumberClaim(lookup: ContextLookup): PhoneNumberClaim {
  const countryCode = readOptionalString(lookup('phoneCountryCode'), 'phoneCountryCode') ?? 'US';
  if (!/^[A-Z]{2}$/.test(countryCode)) {
    throw new Error(`Context "phoneCountryCode" must be an ISO country code such as US: ${countryCode}`);
  }
  const type = readOptionalString(lookup('phoneNumberType'), 'phoneNumberType') ?? 'DID';
  if (!(phoneNumberTypes as readonly string[]).includes(type)) {
    throw new Error(`Context "phoneNumberType" must be one of ${phoneNumberTypes.join(', ')}: ${type}`);
  }
  const prefix = readOptionalString(lookup('phoneNumberPrefix'), 'phoneNumberPrefix');
  if (prefix !== undefined && !/^\+[0-9]{1,15}$/.test(prefix)) {
    throw new Error(`Context "phoneNumberPrefix" must be + and digits, e.g. +1555: ${prefix}`);
  }
  return { countryCode, type: type as PhoneNumberType, ...(prefix ? { prefix } : {}) };
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

/** The portal's Vite dev server (`npm run dev:web`): an origin of a dev stage unless `portalOrigin` says others. */
export const DEV_PORTAL_ORIGIN = 'http://localhost:5173';

function readPortalOrigins(value: unknown, stage: StageName): string[] {
  const raw = readOptionalString(value, 'portalOrigin');
  // The portal's CloudFront distribution is always an origin; these are extra ones (custom domain, local Vite).
  // A stage's default lives here, not in cdk.json: cdk.json's context applies to every stage, and prod refuses
  // localhost, so the README's prod command failed at synth.
  if (raw === undefined) return stage === 'dev' ? [DEV_PORTAL_ORIGIN] : [];
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
