/** An error the Connect API answers: its type goes in `x-amzn-ErrorType`, the status is the HTTP one. */
export class ConnectApiError extends Error {
  constructor(
    readonly errorType: string,
    readonly statusCode: number,
    message: string,
    /** Extra members of the error body, e.g. InvalidContactFlowException's `problems`. */
    readonly extra: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = errorType;
  }
}

export const invalidParameter = (message: string) =>
  new ConnectApiError('InvalidParameterException', 400, message);
export const invalidRequest = (message: string) =>
  new ConnectApiError('InvalidRequestException', 400, message);
export const notFound = (message: string) => new ConnectApiError('ResourceNotFoundException', 404, message);
export const duplicate = (message: string) => new ConnectApiError('DuplicateResourceException', 409, message);
export const inUse = (message: string) => new ConnectApiError('ResourceInUseException', 409, message);
