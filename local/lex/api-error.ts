/** An error the Lex V2 runtime API answers: its type goes in `x-amzn-ErrorType`, the status is the HTTP one. */
export class LexApiError extends Error {
  constructor(
    readonly errorType: string,
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
    this.name = errorType;
  }
}

export const validationError = (message: string) => new LexApiError('ValidationException', 400, message);
export const resourceNotFound = (message: string) =>
  new LexApiError('ResourceNotFoundException', 404, message);
