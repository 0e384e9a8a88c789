import type { AppConfig } from '#shared/config';
import type { AccessLog } from './access-log';
import type { BroadcastStore } from './broadcast-store';
import type { CallJobStore } from './call-jobs';
import type { CallbackBookings } from './callback-bookings';
import type { CallerRegistry } from './caller-registry';
import type { Clock } from './clock';
import type { CustomerImportStore } from './customer-imports';
import type { CustomerStore } from './customer-store';
import type { OutboundDialer } from './dialer';
import type { IncidentStore } from './incident-store';
import type { Mailer } from './mailer';
import type { DeskMetrics } from './metrics';
import type { SecretStore } from './secrets';
import type { StatusGuesses } from './status-guesses';
import type { TicketStore } from './ticket-store';
import type { Timer } from './timer';

/**
 * Everything the use cases and reactions need from the outside world, as ports. One composition root builds
 * it (shared/adapters/dependencies.ts: DynamoDB, Scheduler, Connect, SES); tests build it with fakes.
 */
export interface Dependencies {
  readonly config: AppConfig;
  readonly clock: Clock;
  readonly tickets: TicketStore;
  readonly customers: CustomerStore;
  /** Customer files too large for one request, saved as jobs. */
  readonly customerImports: CustomerImportStore;
  /** Every read of personal data through the API: who, when, which route and ids, why. */
  readonly accessLog: AccessLog;
  readonly broadcasts: BroadcastStore;
  /** Incidents (opened by a sent broadcast), their updates and linked complaints. */
  readonly incidents: IncidentStore;
  /** Outbound call jobs of the one dialer. */
  readonly callJobs: CallJobStore;
  /** One open callback per number, booked once per Idempotency-Key, held while its caller is on the line. */
  readonly callbackBookings: CallbackBookings;
  /** Callers the hotline knows: block list, repeat calls. */
  readonly callers: CallerRegistry;
  /** Wrong guesses at the public status lookup, counted per number. */
  readonly statusGuesses: StatusGuesses;
  /** One-time schedules: deadlines, dialer wake-ups, retries. */
  readonly timer: Timer;
  /** Outbound calls through Connect. */
  readonly dialer: OutboundDialer;
  readonly mailer: Mailer;
  readonly metrics: DeskMetrics;
  /** Secrets Manager secrets named by ARN in the config (deployed only), read once per instance. */
  readonly secrets?: SecretStore;
}
