import type { Page } from './ticket-store';

/** One read of personal data through the API: who read, when, through which route, which ids, why. */
export interface PersonalDataRead {
  readonly at: string;
  readonly username: string;
  readonly roles: readonly string[];
  /** The HTTP API route key, e.g. `GET /api/call-jobs/{id}`. */
  readonly route: string;
  /** The route's path parameters: the ids of what was read. */
  readonly ids: Readonly<Record<string, string>>;
  /** Why: the purpose the route catalog gives the route. */
  readonly purpose: string;
}

/** The access log of personal data reads (subject access: when and for what purpose staff read it). */
export interface AccessLog {
  /** Durably records one read; throws when it could not (the answer is then not given). */
  recordRead(read: PersonalDataRead): Promise<void>;
  /** Newest first, paged. */
  reads(page: { limit: number; cursor?: string }): Promise<Page<PersonalDataRead>>;
}
