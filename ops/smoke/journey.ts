/**
 * The smoke journey, written once for any running hotline: sign in, register a complaint, dispatch it,
 * find the reads in the access log, book a callback and cancel it, hear the complaint's status on the
 * phone, check the alarm topic, then clean up everything it made, whatever failed on the way: the complaint
 * is walked to `closed` over the staff API (contact, resolution, a supervisor's close), so no deadline keeps
 * running for it, and its satisfaction-survey call is made sure not to ring the made-up number.
 * What differs between a deployed stack and the local runtime (how to get a token, how to call the
 * hotline, whether there is an SNS topic) is the target's; the API steps are the same HTTP calls.
 */
import { randomBytes } from 'node:crypto';
import { statusSentence } from '#shared/domain/caller-speech';
import type { TicketStatus } from '#shared/domain/ticket';

export type StepOutcome = 'passed' | 'failed' | 'skipped';

export interface StepResult {
  readonly name: string;
  readonly outcome: StepOutcome;
  readonly ms: number;
  /** What was seen (passed), what went wrong (failed) or why it did not run (skipped). */
  readonly detail: string;
}

export interface SmokeReport {
  readonly runId: string;
  readonly target: string;
  readonly steps: readonly StepResult[];
  readonly cleanup: readonly StepResult[];
  /** What the run leaves behind on purpose (nothing can remove it), each with how to recognise it. */
  readonly remains: readonly string[];
  /** Every step passed or was skipped, and every clean-up step passed. */
  readonly ok: boolean;
}

/** What the hotline's phone must say for the complaint: the caller types the number, then the last 4 digits. */
export interface PhoneStatusCheck {
  readonly runId: string;
  readonly ticketNumber: string;
  /** The complaint's phone number (its last four digits are the lookup's second factor). */
  readonly complaintPhone: string;
  /** The number the test call comes from: another one, so the flow asks for the digits. */
  readonly callerPhone: string;
  /** The sentence the flow must say, e.g. "Complaint 1, 0, 0, ... is with the responsible department." */
  readonly expectedSentence: string;
}

/** Undo-steps, run newest first, each once, every one of them even when an earlier one fails. */
export class CleanupList {
  private readonly items: { name: string; run: () => Promise<string> }[] = [];

  add(name: string, run: () => Promise<string>): void {
    this.items.push({ name, run });
  }

  get size(): number {
    return this.items.length;
  }

  async runAll(): Promise<StepResult[]> {
    const results: StepResult[] = [];
    while (this.items.length > 0) {
      const item = this.items.pop();
      if (item) results.push(await timed(item.name, item.run));
    }
    return results;
  }
}

/** A running hotline the journey can drive: deployed (ops/smoke/deployed-target.ts) or local. */
export interface SmokeTarget {
  /** e.g. `stage dev (eu-west-2)` or `local http://127.0.0.1:3000`. */
  readonly description: string;
  /** Base URL of the HTTP API, without a trailing slash: the journey appends `/api/...`. */
  readonly apiUrl: string;
  /** The fetch the API calls use; default the global one. */
  readonly fetch?: typeof fetch;
  /**
   * A bearer token of a staff member in the groups agent and admin (admin reads the access log); whatever
   * it creates to get it (a user in the pool) is undone through `cleanup`. Returns the token and a detail.
   */
  signIn(runId: string, cleanup: CleanupList): Promise<{ token: string; detail: string }>;
  /** Call the hotline, choose 2, type the complaint; resolves with what was heard, rejects on a mismatch. */
  checkPhoneStatus(check: PhoneStatusCheck, cleanup: CleanupList): Promise<string>;
  /** The alarm topic lets CloudWatch publish; a string instead: why the check cannot run on this target. */
  readonly checkAlarmTopic: (() => Promise<string>) | string;
}

export interface SmokeOptions {
  /** Names what the run creates (user, idempotency keys, test case); default random. */
  readonly runId?: string;
  /** Waits between polls of eventually consistent reads; default a real timer. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Called with each result as it happens (the CLI prints it). */
  readonly onResult?: (phase: 'step' | 'cleanup', result: StepResult) => void;
  /** Aborted (Ctrl-C): the steps not yet started are skipped; clean-up still runs. */
  readonly signal?: AbortSignal;
}

export const SMOKE_DEPARTMENT = 'billing';

/** The resolution the clean-up records on the smoke complaint. */
export const SMOKE_RESOLUTION = 'Smoke test: no action needed';

/** Looks at the complaint's survey jobs after closing it (1 s apart): the survey reaction runs after resolving. */
export const SURVEY_LOOKS = 3;

/** A number in area code 555, which no one has: nothing the run books can ring a real person. */
export function fictionalPhone(): string {
  const digits = String(randomBytes(4).readUInt32BE(0) % 100_000).padStart(5, '0');
  return `+155501${digits}`;
}

export function newRunId(): string {
  return `${new Date().toISOString().slice(0, 10).replaceAll('-', '')}-${randomBytes(3).toString('hex')}`;
}

/** Runs the journey on `target`; never throws for a failed step (the report says), always cleans up. */
export async function runSmoke(target: SmokeTarget, options: SmokeOptions = {}): Promise<SmokeReport> {
  const runId = options.runId ?? newRunId();
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const cleanup = new CleanupList();
  const steps: StepResult[] = [];
  const remains: string[] = [];
  const api = new SmokeApi(target.apiUrl, target.fetch ?? globalThis.fetch);

  let token: string | undefined;
  let complaint: { id: string; number: string; version: number; status: TicketStatus } | undefined;
  const complaintPhone = fictionalPhone();
  /** How the clean-up left the complaint (undefined: it could not read it). */
  let ending: ComplaintEnding | undefined;
  /** Survey jobs of the complaint that were cancelled (kept by the desk like the callback). */
  const surveyJobs: string[] = [];

  const step = async (name: string, needs: string | undefined, run: () => Promise<string>) => {
    const result: StepResult = options.signal?.aborted
      ? { name, outcome: 'skipped', ms: 0, detail: 'interrupted' }
      : needs
        ? { name, outcome: 'skipped', ms: 0, detail: needs }
        : await timed(name, run);
    steps.push(result);
    options.onResult?.('step', result);
  };
  const needsToken = () => (token ? undefined : 'needs a signed-in staff member');
  const needsComplaint = () => needsToken() ?? (complaint ? undefined : 'needs the registered complaint');

  await step('sign in (a temporary staff member)', undefined, async () => {
    const signedIn = await target.signIn(runId, cleanup);
    token = signedIn.token;
    return signedIn.detail;
  });

  await step('register a complaint', needsToken(), async () => {
    const reply = await api.call('POST', '/api/tickets', token, {
      headers: { 'idempotency-key': `smoke-${runId}-register` },
      body: {
        customer: { name: 'Smoke Test', phone: complaintPhone },
        channel: 'walk_in',
        category: 'billing',
        severity: 'dissatisfied',
        description: `SMOKE TEST ${runId}: not a real complaint, made by npm run smoke.`,
      },
    });
    expectStatus(reply, [201], 'POST /api/tickets');
    const body = reply.body as { id?: string; number?: string; version?: number; status?: TicketStatus };
    if (!body.id || typeof body.version !== 'number')
      throw new Error(`POST /api/tickets: no id in ${reply.text}`);
    complaint = {
      id: body.id,
      number: body.number ?? body.id,
      version: body.version,
      status: body.status ?? 'received',
    };
    const { id, number } = complaint;
    // Run newest first: the complaint is closed (added second, so first), then its survey call is checked.
    cleanup.add(`no survey call for complaint ${number}`, async () => {
      const survey = await ensureNoSurveyCall(api, token!, id, ending, sleep);
      surveyJobs.push(...survey.cancelled);
      return survey.detail;
    });
    cleanup.add(`complaint ${number} closed`, async () => {
      const ended = await endComplaint(api, token!, id, runId, (seen) => {
        ending = seen;
      });
      return ended.detail;
    });
    return `complaint ${complaint.number}`;
  });

  await step('dispatch it', needsComplaint(), async () => {
    const c = complaint!;
    const read = await api.call('GET', `/api/tickets/${c.id}`, token);
    expectStatus(read, [200], `GET /api/tickets/${c.id}`);
    const version = (read.body as { version?: number }).version ?? c.version;
    const reply = await api.call('POST', `/api/tickets/${c.id}/dispatch`, token, {
      headers: { 'if-match': `"${version}"` },
      body: { department: SMOKE_DEPARTMENT },
    });
    expectStatus(reply, [200], `POST /api/tickets/${c.id}/dispatch`);
    const body = reply.body as { status?: TicketStatus; version?: number };
    if (body.status !== 'dispatched') throw new Error(`dispatch answered status ${String(body.status)}`);
    complaint = { ...c, status: 'dispatched', version: body.version ?? version + 1 };
    return `dispatched to ${SMOKE_DEPARTMENT}`;
  });

  await step('the access log shows the reads', needsComplaint(), async () => {
    const c = complaint!;
    const wanted = 'GET /api/tickets/{id}';
    for (let attempt = 1; ; attempt++) {
      const reply = await api.call('GET', '/api/audit?limit=100', token);
      expectStatus(reply, [200], 'GET /api/audit');
      const items = ((reply.body as { items?: AccessLogEntry[] }).items ?? []).filter((e) =>
        Object.values(e.ids ?? {}).includes(c.id),
      );
      const read = items.find((e) => e.route === wanted);
      if (read)
        return `${items.length} entries for complaint ${c.number}, e.g. ${read.route} "${read.purpose}"`;
      if (attempt >= 5) throw new Error(`GET /api/audit lists no ${wanted} of complaint ${c.number}`);
      await sleep(1000);
    }
  });

  await step('book a callback and cancel it', needsComplaint(), async () => {
    const c = complaint!;
    const booked = await api.call('POST', '/api/callbacks', token, {
      headers: { 'idempotency-key': `smoke-${runId}-callback` },
      body: { phone: complaintPhone, ticketId: c.id, reason: 'caller_request' },
    });
    expectStatus(booked, [200, 201], 'POST /api/callbacks');
    const jobId = (booked.body as { jobId?: string }).jobId;
    if (!jobId) throw new Error(`POST /api/callbacks: no jobId in ${booked.text}`);
    cleanup.add(`callback ${jobId} cancelled`, () => ensureCancelled(api, token!, jobId));
    remains.push(`call job ${jobId}, cancelled (the desk keeps cancelled jobs; archival erases its number)`);
    const job = await api.call('GET', `/api/call-jobs/${jobId}`, token);
    expectStatus(job, [200], `GET /api/call-jobs/${jobId}`);
    const cancelled = await api.call('POST', `/api/call-jobs/${jobId}/cancel`, token);
    expectStatus(cancelled, [200], `POST /api/call-jobs/${jobId}/cancel`);
    const state = (cancelled.body as { state?: string }).state;
    if (state !== 'cancelled') throw new Error(`cancel answered state ${String(state)}`);
    return `job ${jobId} booked (${(job.body as { state?: string }).state}), then cancelled`;
  });

  await step('the hotline tells the status (menu 2)', needsComplaint(), async () => {
    const c = complaint!;
    return target.checkPhoneStatus(
      {
        runId,
        ticketNumber: c.number,
        complaintPhone,
        callerPhone: fictionalPhone(),
        expectedSentence: statusSentence(c.number, c.status),
      },
      cleanup,
    );
  });

  const alarm = target.checkAlarmTopic;
  await step(
    'the alarm topic accepts CloudWatch',
    typeof alarm === 'string' ? alarm : undefined,
    typeof alarm === 'string' ? async () => alarm : alarm,
  );

  const cleaned = await cleanup.runAll();
  for (const result of cleaned) options.onResult?.('cleanup', result);
  if (complaint) {
    remains.unshift(complaintRemains(complaint.number, complaintPhone, runId, ending?.status));
    for (const job of surveyJobs)
      remains.push(`survey job ${job}, cancelled (never rang; archival erases its number)`);
  }
  return {
    runId,
    target: target.description,
    steps,
    cleanup: cleaned,
    remains,
    ok: steps.every((s) => s.outcome !== 'failed') && cleaned.every((s) => s.outcome !== 'failed'),
  };
}

interface AccessLogEntry {
  readonly route?: string;
  readonly ids?: Record<string, string>;
  readonly purpose?: string;
}

/** The clean-up of a callback: cancelled if still waiting; one already ringing cannot be (it ends by itself). */
async function ensureCancelled(api: SmokeApi, token: string, jobId: string): Promise<string> {
  const job = await api.call('GET', `/api/call-jobs/${jobId}`, token);
  expectStatus(job, [200], `GET /api/call-jobs/${jobId}`);
  const state = (job.body as { state?: string }).state;
  if (state === 'cancelled') return 'cancelled';
  if (state !== 'pending')
    throw new Error(`callback ${jobId} is ${String(state)}; it cannot be cancelled now`);
  const cancelled = await api.call('POST', `/api/call-jobs/${jobId}/cancel`, token);
  expectStatus(cancelled, [200], `POST /api/call-jobs/${jobId}/cancel`);
  return 'was still waiting: cancelled now';
}

/** What the clean-up made of the complaint: its status at the end, and whether it was ever resolved. */
export interface ComplaintEnding {
  readonly status: TicketStatus;
  /** Resolved at some point (now or earlier): a satisfaction survey may have been queued for it. */
  readonly resolved: boolean;
  readonly detail: string;
}

interface TicketState {
  readonly status: TicketStatus;
  readonly version: number;
  readonly allowedActions: readonly string[];
  readonly resolved: boolean;
}

function ticketState(answer: ApiAnswer, what: string): TicketState {
  const body = answer.body as {
    status?: TicketStatus;
    version?: number;
    allowedActions?: string[];
    resolution?: unknown;
    closure?: unknown;
  };
  if (!body.status || typeof body.version !== 'number')
    throw new Error(`${what}: no status/version in ${answer.text.slice(0, 200)}`);
  return {
    status: body.status,
    version: body.version,
    allowedActions: body.allowedActions ?? [],
    resolved: ['resolved', 'closed', 'archived'].includes(body.status) || body.resolution !== undefined,
  };
}

/** The next lifecycle step towards `closed` from this state, as staff take it (README "The staff API"). */
function nextEndingStep(
  state: TicketState,
  runId: string,
): { route: string; body: Record<string, string>; done: string } | undefined {
  const note = `Smoke test ${runId}: no real customer (a made-up number); recorded by npm run smoke to end the complaint`;
  const may = (action: string) => state.allowedActions.includes(action);
  if (state.status === 'resolved' && may('close'))
    return { route: 'close', body: { reason: `${note}.` }, done: 'closed' };
  if (may('review')) return { route: 'review', body: { note }, done: 'reviewed' };
  if ((state.status === 'contacted' || state.status === 'in_progress') && may('resolve')) {
    return {
      route: 'resolve',
      body: { resolution: SMOKE_RESOLUTION, customerAgreement: 'None: no real customer (smoke test)' },
      done: 'resolved',
    };
  }
  if (may('recordContact'))
    return { route: 'contacts', body: { outcome: 'reached', note }, done: 'contact recorded' };
  return undefined;
}

/**
 * The clean-up of the complaint: whatever state it is in, walks it to `closed` over the staff API, each step
 * with the version it saw (If-Match): a contact (which meets the contact deadlines), the resolution (which
 * meets every deadline still running) and a supervisor's close right after it (so the survey reaction finds
 * the complaint closed, or the close's reaction cancels the survey still waiting). What it cannot do is the
 * error, naming the state it left the complaint in.
 */
async function endComplaint(
  api: SmokeApi,
  token: string,
  id: string,
  runId: string,
  seen: (ending: ComplaintEnding) => void,
): Promise<ComplaintEnding> {
  let resolved = false;
  const done: string[] = [];
  const note = (state: TicketState) => {
    resolved ||= state.resolved;
    seen({ status: state.status, resolved, detail: done.join(', ') });
    return state;
  };
  const read = async () => {
    const reply = await api.call('GET', `/api/tickets/${id}`, token);
    expectStatus(reply, [200], `GET /api/tickets/${id}`);
    return note(ticketState(reply, `GET /api/tickets/${id}`));
  };
  let state = await read();
  let conflicts = 0;
  for (let turn = 0; turn < 10; turn++) {
    if (state.status === 'closed' || state.status === 'archived') {
      const detail = done.length
        ? `${done.join(', ')} (version ${state.version})`
        : `was already ${state.status}`;
      const ending = { status: state.status, resolved: true, detail };
      seen(ending);
      return ending;
    }
    const next = nextEndingStep(state, runId);
    if (!next) {
      throw new Error(
        `complaint ${id} left ${state.status}: no step towards closed is allowed ` +
          `(allowed: ${state.allowedActions.join(', ') || 'none'})${done.length ? `; done: ${done.join(', ')}` : ''}`,
      );
    }
    const path = `/api/tickets/${id}/${next.route}`;
    const reply = await api.call('POST', path, token, {
      headers: { 'if-match': `"${state.version}"` },
      body: next.body,
    });
    if (reply.status === 409 && conflicts < 3) {
      // Changed meanwhile (a reaction, a stale version): look again and take the step its state allows.
      conflicts++;
      state = await read();
      continue;
    }
    try {
      expectStatus(reply, [200], `POST ${path}`);
      state = note(ticketState(reply, `POST ${path}`));
    } catch (error) {
      const left = await read().then(
        (s) => s.status,
        () => state.status,
      );
      throw new Error(
        `${(error as Error).message}; complaint ${id} left ${left}${done.length ? ` after: ${done.join(', ')}` : ''}`,
      );
    }
    done.push(next.done);
  }
  throw new Error(`complaint ${id} still ${state.status} after ${done.join(', ')}`);
}

interface CallJobView {
  readonly id: string;
  readonly state?: string;
}

/**
 * The complaint's satisfaction survey must not ring the made-up number. Closing right after resolving means
 * the survey reaction finds the complaint closed and queues nothing, or the close's own reaction cancels
 * the job still waiting (shared/reactions/ticket-reactions.ts); this looks (the reactions run a moment
 * after the change) and cancels a waiting one itself (also when the complaint could not be closed). A job
 * already ringing or done is the error: the call was made.
 */
async function ensureNoSurveyCall(
  api: SmokeApi,
  token: string,
  ticketId: string,
  ending: ComplaintEnding | undefined,
  sleep: (ms: number) => Promise<void>,
): Promise<{ detail: string; cancelled: string[] }> {
  if (ending && !ending.resolved) return { detail: 'never resolved: no survey', cancelled: [] };
  const path = `/api/call-jobs?ticketId=${encodeURIComponent(ticketId)}&kind=survey`;
  for (let look = 1; ; look++) {
    const reply = await api.call('GET', path, token);
    expectStatus(reply, [200], `GET ${path}`);
    const jobs = (reply.body as { items?: CallJobView[] }).items ?? [];
    const said: string[] = [];
    let waiting = false;
    for (const job of jobs) {
      if (job.state === 'cancelled') {
        said.push(`survey job ${job.id} cancelled`);
      } else if (job.state === 'pending') {
        const cancelled = await api.call('POST', `/api/call-jobs/${job.id}/cancel`, token);
        if (cancelled.status === 409) {
          // Changed meanwhile (the close's reaction cancelled it, or the dialer claimed it): look again.
          waiting = true;
        } else {
          expectStatus(cancelled, [200], `POST /api/call-jobs/${job.id}/cancel`);
          said.push(`survey job ${job.id} was waiting: cancelled now`);
        }
      } else {
        throw new Error(
          `survey job ${job.id} is ${String(job.state)}: the survey call rang (or rings) the made-up number`,
        );
      }
    }
    if (!waiting && jobs.length > 0) return { detail: said.join('; '), cancelled: jobs.map((j) => j.id) };
    if (!waiting && look >= SURVEY_LOOKS) {
      return { detail: `no survey call queued (${look} looks, ${look - 1} s apart)`, cancelled: [] };
    }
    await sleep(1000);
  }
}

/** What stays of the complaint, by the state the clean-up left it in. */
function complaintRemains(
  number: string,
  phone: string,
  runId: string,
  status: TicketStatus | undefined,
): string {
  const what =
    `complaint ${number} (customer "Smoke Test", ${phone}, description "SMOKE TEST ${runId}..."), ` +
    'its history and the access-log entries of this run';
  if (status === 'closed' || status === 'archived') {
    return (
      `${what}, ${status} with the resolution "${SMOKE_RESOLUTION}": the API has no erasure route, so they stay ` +
      'until the complaint is archived (ARCHIVE_AFTER_DAYS after closing), which erases its personal data; ' +
      'no deadline, progress notice or survey call runs for it, only the archival timer'
    );
  }
  if (status === 'resolved') {
    return (
      `${what}, left resolved (the clean-up could not close it; a supervisor closes it in the portal): ` +
      'no deadline runs for it, but it is archived only once closed'
    );
  }
  return (
    `${what}, left ${status ?? 'in an unknown state'} (the clean-up could not close it): its deadlines keep ` +
    'running, so breach e-mails follow until staff resolve and close it in the portal'
  );
}

export interface ApiAnswer {
  readonly status: number;
  readonly body: unknown;
  readonly text: string;
}

/** The staff API over HTTP with a bearer token, as the portal calls it. */
export class SmokeApi {
  constructor(
    private readonly baseUrl: string,
    private readonly fetchFn: typeof fetch,
  ) {}

  async call(
    method: string,
    path: string,
    token: string | undefined,
    options: { body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<ApiAnswer> {
    const headers: Record<string, string> = { ...options.headers };
    if (token) headers.authorization = `Bearer ${token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const res = await this.fetchFn(`${this.baseUrl}${path}`, {
      method,
      headers,
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    let body: unknown = {};
    try {
      body = text ? JSON.parse(text) : {};
    } catch {
      body = {};
    }
    return { status: res.status, body, text };
  }
}

function expectStatus(answer: ApiAnswer, wanted: readonly number[], what: string): void {
  if (wanted.includes(answer.status)) return;
  const error = (answer.body as { error?: { code?: string; message?: string } }).error;
  const said = error ? `${error.code ?? ''} ${error.message ?? ''}`.trim() : answer.text.slice(0, 200);
  throw new Error(`${what} answered ${answer.status}${said ? `: ${said}` : ''}`);
}

async function timed(name: string, run: () => Promise<string>): Promise<StepResult> {
  const started = performance.now();
  try {
    const detail = await run();
    return { name, outcome: 'passed', ms: Math.round(performance.now() - started), detail };
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : '';
    const detail = error instanceof Error ? `${error.message}${cause}` : String(error);
    return { name, outcome: 'failed', ms: Math.round(performance.now() - started), detail };
  }
}
