import { DomainError, TooManyAttemptsError } from '#shared/domain/errors';

export interface ErrorBody {
  readonly error: {
    readonly code: string;
    readonly message: string;
    readonly field?: string;
    readonly correlationId?: string;
  };
}

/** An HTTP-level problem found before the domain runs (bad JSON, missing header, too large). */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

const statusByDomainCode: Record<string, number> = {
  INVALID_INPUT: 400,
  INVALID_CURSOR: 400,
  NOT_FOUND: 404,
  CONFLICT: 409,
  TRANSITION_NOT_ALLOWED: 409,
  FORBIDDEN: 403,
  TOO_MANY_ATTEMPTS: 429,
};

/** The one mapping of errors to HTTP responses. Unknown errors become a generic 500. */
export function toErrorResponse(
  error: unknown,
  correlationId: string,
): { statusCode: number; body: ErrorBody; expected: boolean; headers?: Record<string, string> } {
  if (error instanceof HttpError) {
    return {
      statusCode: error.statusCode,
      body: {
        error: { code: error.code, message: error.message, ...(error.field ? { field: error.field } : {}) },
      },
      expected: true,
    };
  }
  if (error instanceof DomainError) {
    return {
      ...(error instanceof TooManyAttemptsError
        ? { headers: { 'retry-after': String(error.retryAfterSeconds) } }
        : {}),
      statusCode: statusByDomainCode[error.code] ?? 400,
      body: {
        error: { code: error.code, message: error.message, ...(error.field ? { field: error.field } : {}) },
      },
      expected: true,
    };
  }
  if (isRefusedStartKey(error)) {
    // A cursor of another list (right checksum, other index): DynamoDB refuses its start key.
    return {
      statusCode: 400,
      body: {
        error: { code: 'INVALID_CURSOR', message: 'The cursor is not one of this list', field: 'cursor' },
      },
      expected: true,
    };
  }
  if (isUnavailable(error)) {
    return {
      statusCode: 503,
      body: {
        error: {
          code: 'SERVICE_UNAVAILABLE',
          message: 'A service we depend on is unavailable; nothing was changed. Try again shortly.',
          correlationId,
        },
      },
      expected: false,
    };
  }
  return {
    statusCode: 500,
    body: {
      error: {
        code: 'INTERNAL',
        message:
          'Something went wrong on our side; nothing was changed. Quote the correlation id if it persists.',
        correlationId,
      },
    },
    expected: false,
  };
}

const unavailableNames = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'ServiceUnavailable',
  'InternalServerError',
  'TimeoutError',
]);

function isRefusedStartKey(error: unknown): boolean {
  return (
    error instanceof Error &&
    error.name === 'ValidationException' &&
    /exclusive ?start ?key|starting key/i.test(error.message)
  );
}

/** A dependency that is down, throttling or timing out: worth a retry by the client. */
function isUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as Error & { code?: string }).code;
  return (
    unavailableNames.has(error.name) ||
    code === 'ECONNREFUSED' ||
    code === 'ECONNRESET' ||
    code === 'ETIMEDOUT' ||
    (error as Error & { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 503
  );
}
