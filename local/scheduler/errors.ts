/** Error types of the Scheduler API model (scheduler-2021-06-30), with their HTTP status codes. */
export const schedulerErrorStatus = {
  ValidationException: 400,
  SerializationException: 400,
  ResourceNotFoundException: 404,
  UnknownOperationException: 404,
  ConflictException: 409,
  ServiceQuotaExceededException: 402,
  ThrottlingException: 429,
  InternalServerException: 500,
} as const;

export type SchedulerErrorType = keyof typeof schedulerErrorStatus;

export class SchedulerApiError extends Error {
  override name = 'SchedulerApiError';
  constructor(
    readonly type: SchedulerErrorType,
    message: string,
  ) {
    super(message);
  }

  get status(): number {
    return schedulerErrorStatus[this.type];
  }
}

export const validationError = (message: string) => new SchedulerApiError('ValidationException', message);
export const notFound = (message: string) => new SchedulerApiError('ResourceNotFoundException', message);
export const conflict = (message: string) => new SchedulerApiError('ConflictException', message);
