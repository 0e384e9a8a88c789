export * from './emulator';
export { SchedulerApiError, type SchedulerErrorType } from './errors';
export * from './expression';
export * from './http';
