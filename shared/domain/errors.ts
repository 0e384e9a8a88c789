/** Typed domain errors; one middleware maps them to HTTP (see shared/http/errors.ts). */
export abstract class DomainError extends Error {
  abstract readonly code: string;
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Input that breaks a rule: 400. */
export class InvalidInputError extends DomainError {
  readonly code = 'INVALID_INPUT';
}

/** A page cursor this API did not give out (garbled, truncated, forged): 400. */
export class InvalidCursorError extends DomainError {
  readonly code = 'INVALID_CURSOR';
}

/** The thing asked for does not exist (or may not be revealed): 404. */
export class NotFoundError extends DomainError {
  readonly code = 'NOT_FOUND';
}

/** A state change based on a stale version, or a duplicate: 409. */
export class ConflictError extends DomainError {
  readonly code = 'CONFLICT';
}

/** The transition is impossible from the current state: 409 (the request itself was well formed). */
export class TransitionNotAllowedError extends DomainError {
  readonly code = 'TRANSITION_NOT_ALLOWED';
}

/** The actor's role may not do this: 403. */
export class ForbiddenError extends DomainError {
  readonly code = 'FORBIDDEN';
}

/** Too many wrong tries of something guessable (a lookup's second factor): 429, try again after a while. */
export class TooManyAttemptsError extends DomainError {
  readonly code = 'TOO_MANY_ATTEMPTS';
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
    field?: string,
  ) {
    super(message, field);
  }
}
