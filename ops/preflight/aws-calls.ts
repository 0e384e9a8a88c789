import { type Finding, warn } from './findings';

/** An AWS call of a check that failed, with the IAM permission it needs (named in the finding). */
export class AwsCallFailed extends Error {
  constructor(
    readonly permission: string,
    override readonly cause: unknown,
  ) {
    super(`${permission}: ${describeError(cause)}`);
    this.name = 'AwsCallFailed';
  }
}

/** Runs one SDK call; a failure carries the permission so the check can name it. */
export async function awsCall<T>(permission: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw new AwsCallFailed(permission, error);
  }
}

export function errorName(error: unknown): string {
  return (error as { name?: unknown })?.name?.toString() ?? '';
}

export function describeError(error: unknown): string {
  const name = errorName(error);
  const message = (error as { message?: unknown })?.message?.toString() ?? String(error);
  return name && !message.startsWith(name) ? `${name}: ${message}` : message;
}

const ACCESS_DENIED = new Set([
  'AccessDeniedException',
  'AccessDenied',
  'UnauthorizedOperation',
  'UnauthorizedException',
  'NotAuthorized',
]);

export function isAccessDenied(error: unknown): boolean {
  const cause = error instanceof AwsCallFailed ? error.cause : error;
  const status = (cause as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
  return ACCESS_DENIED.has(errorName(cause)) || status === 403;
}

export function isNotFound(error: unknown): boolean {
  const cause = error instanceof AwsCallFailed ? error.cause : error;
  return ['NotFoundException', 'NoSuchResourceException', 'ResourceNotFoundException'].includes(
    errorName(cause),
  );
}

/**
 * A check that could not finish: a missing permission is a warning naming the permission (the deploy role
 * may well have it); any other error is a warning with the error. Either way, the command to check by hand.
 */
export function couldNotCheck(check: string, error: unknown, byHand: readonly string[]): Finding {
  if (error instanceof AwsCallFailed && isAccessDenied(error)) {
    return warn(check, `not checked: these credentials lack the permission ${error.permission}`, [
      `Grant ${error.permission} to the profile's role/user and run the preflight again, or check by hand:`,
      ...byHand,
    ]);
  }
  return warn(check, `not checked: ${describeError(error instanceof AwsCallFailed ? error.cause : error)}`, [
    'Run the preflight again (a throttled or failed call); or check by hand:',
    ...byHand,
  ]);
}
