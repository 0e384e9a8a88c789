/**
 * An error as SES v2 answers it over REST JSON: an HTTP status, the `x-amzn-ErrorType` header (the AWS SDK
 * names its exception after it: `error.name === 'MessageRejected'`) and a body `{ "message": ... }`.
 */
export type SesErrorType =
  | 'BadRequestException'
  | 'MessageRejected'
  | 'NotFoundException'
  | 'AlreadyExistsException'
  | 'MissingAuthenticationTokenException'
  | 'UnknownOperationException'
  | 'InternalFailure';

export class SesApiError extends Error {
  constructor(
    readonly errorType: SesErrorType,
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
    this.name = errorType;
  }
}

/** A request SES refuses as malformed; the message names the field (`Destination.ToAddresses[1]: ...`). */
export function badRequest(message: string): SesApiError {
  return new SesApiError('BadRequestException', 400, message);
}

export function notFound(message: string): SesApiError {
  return new SesApiError('NotFoundException', 404, message);
}

/** `['Destination', 'ToAddresses', 1]` as `Destination.ToAddresses[1]`. */
export function fieldName(path: readonly PropertyKey[]): string {
  return path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i === 0 ? '' : '.'}${String(part)}`))
    .join('');
}
