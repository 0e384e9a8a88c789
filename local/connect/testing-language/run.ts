/**
 * One execution of a published test case against the emulator's contacts.
 *
 * Input: the test document, the entry point (flow, numbers, attributes), the contacts port, a clock.
 * Primary course: observations waiting to be matched are open; TestInitiated opens the test (its
 * overrides are in force before the contact starts); each prompt the caller hears and each flow action
 * that starts is offered, in order, to the open observations; a match runs the observation's actions
 * (keys, asserts, overrides, EndTest, LogData) and opens its NextObservations, closing the alternatives
 * opened beside it that never matched. The test ends on EndTest, when the contact has ended (after
 * TestCompleted is offered), when nothing is left that must still happen, or at the time limit; what
 * must still happen then has FAILED.
 * Output: status, per observation PASSED / FAILED (or not reached), and records of what happened.
 *
 * Prompts played one after another with no caller input between them count as one message too
 * (as Connect reports them), so an expected text may span them.
 */
import type { Clock } from '#shared/ports/clock';
import type { FlowActionOverride, TestContactEntry, TestContacts, TestContactView } from './contacts.ts';
import type { Observation, ObservedEvent, TestAction, TestDocument } from './document.ts';
import { checkAssertion, messageMatches, parametersMatch, valueAt, withReferences } from './matching.ts';

export type ExecutionStatus = 'IN_PROGRESS' | 'PASSED' | 'FAILED' | 'STOPPED';
export type ObservationStatus = 'NOT_REACHED' | 'IN_PROGRESS' | 'PASSED' | 'FAILED' | 'STOPPED' | 'SKIPPED';

/** What happened to one observation, as ListTestCaseExecutionRecords reports it. */
export interface ObservationReport {
  readonly observationId: string;
  readonly status: ObservationStatus;
  readonly updatedAt: Date;
  readonly matched: readonly { readonly at: string; readonly what: string }[];
  readonly actions: readonly Readonly<Record<string, unknown>>[];
  readonly reasons: readonly string[];
}

interface ObservationState {
  status: ObservationStatus;
  /** Matches in all; `visitMatches` since it was last opened (what Usage counts). */
  matches: number;
  visitMatches: number;
  group: number;
  failed: boolean;
  updatedAt: Date;
  readonly matched: { at: string; what: string }[];
  readonly actions: Record<string, unknown>[];
  readonly reasons: string[];
}

type OfferedEvent =
  | { readonly type: 'TestInitiated' | 'TestCompleted'; readonly at: string }
  | { readonly type: 'MessageReceived'; readonly at: string; readonly texts: readonly string[] }
  | {
      readonly type: 'FlowActionStarted';
      readonly at: string;
      readonly actionType: string;
      readonly parameters: Readonly<Record<string, unknown>>;
    };

export interface TestRunOptions {
  readonly document: TestDocument;
  readonly contacts: TestContacts;
  readonly clock: Clock;
  readonly entry: Omit<TestContactEntry, 'overrides'>;
  readonly instanceArn: string;
  /** Emulator time the test may take before what is still expected fails. */
  readonly timeLimitSeconds: number;
}

/** Matches an observation needs (per opening) before the test may end without it. */
function required(observation: Observation): number {
  const { type, times } = observation.usage;
  if (type === 'Once') return 1;
  return type === 'Exactly' || type === 'AtLeast' ? times : 0;
}

/** Matches after which its NextObservations open. */
function movesOnAfter(observation: Observation): number {
  const { type, times } = observation.usage;
  return type === 'Exactly' || type === 'AtLeast' ? Math.max(1, times) : 1;
}

function describeExpectation(event: ObservedEvent): string {
  switch (event.type) {
    case 'MessageReceived':
      return `a message ${event.criteria === 'Inclusion' ? 'including' : 'like'} "${event.text}"`;
    case 'FlowActionStarted':
      return `${event.actionType} to start with ${JSON.stringify(event.parameters)}`;
    default:
      return event.type;
  }
}

export class TestRun {
  status: ExecutionStatus = 'IN_PROGRESS';
  readonly startedAt: Date;
  endedAt?: Date;
  contactId?: string;
  private readonly observations: ReadonlyMap<string, Observation>;
  private readonly states = new Map<string, ObservationState>();
  /** Open observations, in the order they opened. */
  private readonly open = new Set<string>();
  private readonly overrides: FlowActionOverride[] = [];
  private readonly deadline: number;
  private groups = 0;
  /** Happenings offered so far. */
  private cursor = 0;
  /** Where caller input started a new message: the count of happenings there were when it was sent. */
  private readonly inputAt: number[] = [0];
  private endRequested = false;
  private interacted = false;
  private ended = false;
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly options: TestRunOptions) {
    this.startedAt = options.clock.now();
    this.deadline = this.startedAt.getTime() + options.timeLimitSeconds * 1000;
    this.observations = new Map(options.document.observations.map((o) => [o.id, o]));
    for (const observation of options.document.observations) {
      this.states.set(observation.id, {
        status: 'NOT_REACHED',
        matches: 0,
        visitMatches: 0,
        group: -1,
        failed: false,
        updatedAt: this.startedAt,
        matched: [],
        actions: [],
        reasons: [],
      });
    }
  }

  /** When the run must be looked at again whatever the contact does (its time limit); undefined once over. */
  get dueAt(): number | undefined {
    return this.ended ? undefined : this.deadline;
  }

  get finished(): boolean {
    return this.ended;
  }

  /** Starts the contact and follows it as far as it goes without time passing. */
  begin(): Promise<void> {
    return this.serially(() => this.start());
  }

  /** Looks at the contact again (time may have passed: input timeouts, queues, the time limit). */
  advance(): Promise<void> {
    return this.serially(async () => {
      if (this.ended) return;
      if (this.options.clock.now().getTime() >= this.deadline) {
        await this.finish(`the test took longer than ${this.options.timeLimitSeconds} s`, false);
        return;
      }
      await this.follow();
    });
  }

  stop(): Promise<void> {
    return this.serially(async () => {
      if (this.ended) return;
      for (const id of this.open) this.update(id, 'STOPPED');
      this.open.clear();
      this.status = 'STOPPED';
      await this.close();
    });
  }

  summary(): { readonly total: number; readonly passed: number; readonly failed: number } {
    const states = [...this.states.values()];
    return {
      total: states.length,
      passed: states.filter((s) => s.status === 'PASSED').length,
      failed: states.filter((s) => s.status === 'FAILED').length,
    };
  }

  /** Observations reached so far, in the order first reached. */
  reports(): ObservationReport[] {
    return [...this.states.entries()]
      .filter(([, s]) => s.status !== 'NOT_REACHED' && s.status !== 'SKIPPED')
      .sort(([, a], [, b]) => a.group - b.group)
      .map(([observationId, s]) => ({
        observationId,
        status: s.status,
        updatedAt: s.updatedAt,
        matched: s.matched,
        actions: s.actions,
        reasons: s.reasons,
      }));
  }

  private serially(work: () => Promise<void>): Promise<void> {
    const run = this.chain.then(work);
    this.chain = run.catch(() => undefined);
    return run;
  }

  private now(): string {
    return this.options.clock.now().toISOString();
  }

  private update(id: string, status: ObservationStatus): void {
    const state = this.states.get(id);
    if (!state) return;
    state.status = state.failed && status !== 'STOPPED' ? 'FAILED' : status;
    state.updatedAt = this.options.clock.now();
  }

  private openGroup(ids: readonly string[]): void {
    const group = this.groups++;
    for (const id of ids) {
      const state = this.states.get(id);
      if (!state) continue;
      this.open.delete(id);
      this.open.add(id);
      state.group = group;
      state.visitMatches = 0;
      this.update(id, 'IN_PROGRESS');
    }
  }

  private async start(): Promise<void> {
    const all = this.options.document.observations;
    const initiated = all.filter((o) => o.event.type === 'TestInitiated').map((o) => o.id);
    const first = all[0]?.id;
    this.openGroup(initiated.length > 0 ? initiated : first ? [first] : []);
    // Overrides asked for when the test starts are in force before the flow runs its first action.
    const applied = new Set<TestAction>();
    for (const id of initiated) {
      for (const action of this.observations.get(id)?.actions ?? []) {
        if (action.kind !== 'override') continue;
        this.overrides.push(action.override);
        applied.add(action);
      }
    }
    try {
      this.contactId = await this.options.contacts.start({
        ...this.options.entry,
        overrides: this.overrides,
      });
    } catch (error) {
      for (const id of initiated)
        this.states.get(id)?.reasons.push(`the contact did not start: ${String(error)}`);
      await this.finish(`the contact did not start: ${(error as Error).message ?? String(error)}`, false);
      return;
    }
    await this.offer({ type: 'TestInitiated', at: this.now() }, applied);
    await this.follow();
  }

  private view(): TestContactView | undefined {
    return this.contactId === undefined ? undefined : this.options.contacts.view(this.contactId);
  }

  /** The contact's data as test paths read it ($.Attributes, $.Queue, $.Agent, $.External, ...). */
  private contactData(view: TestContactView | undefined): Record<string, unknown> {
    if (!view) return { Attributes: { ...this.options.entry.attributes } };
    const address = (Address: string) => ({ Address, Type: 'TELEPHONE_NUMBER' });
    return {
      ContactId: view.contactId,
      InitialContactId: view.contactId,
      Channel: 'VOICE',
      InstanceARN: this.options.instanceArn,
      CustomerEndpoint: address(view.customerAddress),
      SystemEndpoint: address(view.systemAddress),
      Attributes: view.attributes,
      ...(view.queue
        ? {
            Queue: {
              Name: view.queue.name,
              ARN: view.queue.arn,
              ...(view.queue.id ? { Id: view.queue.id } : {}),
            },
          }
        : {}),
      ...(view.agent
        ? { Agent: { UserName: view.agent.username, ...(view.agent.arn ? { ARN: view.agent.arn } : {}) } }
        : {}),
      ...(view.external ? { External: view.external } : {}),
      ...(view.storedCustomerInput !== undefined ? { StoredCustomerInput: view.storedCustomerInput } : {}),
    };
  }

  /** Offers what the contact did since the last look, acting on matches, until it waits for time. */
  private async follow(): Promise<void> {
    const { contacts } = this.options;
    while (!this.ended) {
      await contacts.settle();
      const view = this.view();
      if (!view) {
        await this.finish('the contact is gone', false);
        return;
      }
      this.interacted = false;
      const known = view.happenings.length;
      while (this.cursor < known && !this.endRequested) {
        const index = this.cursor++;
        const happening = view.happenings[index];
        if (!happening) continue;
        if (happening.kind === 'prompt') {
          const texts: string[] = [];
          const messageStart = Math.max(...this.inputAt.filter((at) => at <= index));
          for (let from = index; from >= messageStart; from--) {
            const window = view.happenings.slice(from, index + 1).filter((h) => h.kind === 'prompt');
            texts.push(window.map((h) => (h.kind === 'prompt' ? h.text : '')).join(' '));
          }
          await this.offer({ type: 'MessageReceived', at: happening.at, texts }, new Set(), known);
        } else {
          await this.offer(
            {
              type: 'FlowActionStarted',
              at: happening.at,
              actionType: happening.type,
              parameters: happening.parameters,
            },
            new Set(),
            known,
          );
        }
      }
      if (this.endRequested) {
        await this.finish(undefined, true);
        return;
      }
      if (this.interacted) continue;
      const after = this.view() ?? view;
      if (after.failure) {
        await this.finish(`the emulator could not run the flow: ${after.failure}`, false);
        return;
      }
      if (after.state === 'ended' && this.cursor >= after.happenings.length) {
        await this.finish('the contact ended first', true);
        return;
      }
      if (![...this.open].some((id) => this.awaiting(id))) {
        await this.finish(undefined, true);
        return;
      }
      return;
    }
  }

  private awaiting(id: string): boolean {
    const observation = this.observations.get(id);
    const state = this.states.get(id);
    return observation !== undefined && state !== undefined && state.visitMatches < required(observation);
  }

  private matches(observation: Observation, event: OfferedEvent, data: unknown): string | undefined {
    const expected = observation.event;
    if (expected.type !== event.type) return undefined;
    if (expected.type === 'MessageReceived' && event.type === 'MessageReceived') {
      const text = withReferences(expected.text, data);
      return event.texts.find((heard) => messageMatches(text, heard, expected.criteria, expected.threshold));
    }
    if (expected.type === 'FlowActionStarted' && event.type === 'FlowActionStarted') {
      return expected.actionType === event.actionType &&
        parametersMatch(expected.parameters, event.parameters)
        ? `${event.actionType} ${JSON.stringify(event.parameters)}`
        : undefined;
    }
    return event.type;
  }

  /**
   * The event goes to the first open observation it matches, and to every open `Always` one.
   * `boundary`: how many happenings there were when it happened (caller input starts a new message).
   */
  private async offer(
    event: OfferedEvent,
    alreadyDone: ReadonlySet<TestAction>,
    boundary = 0,
  ): Promise<void> {
    const data = this.contactData(this.view());
    let taken = false;
    for (const id of [...this.open]) {
      const observation = this.observations.get(id);
      if (!observation || !this.open.has(id)) continue;
      const always = observation.usage.type === 'Always';
      if (taken && !always) continue;
      const what = this.matches(observation, event, data);
      if (what === undefined) continue;
      if (!always) taken = true;
      await this.matched(observation, { at: event.at, what }, alreadyDone, boundary);
      if (this.endRequested) return;
    }
  }

  private async matched(
    observation: Observation,
    match: { at: string; what: string },
    alreadyDone: ReadonlySet<TestAction>,
    boundary: number,
  ): Promise<void> {
    const state = this.states.get(observation.id);
    if (!state) return;
    state.matches += 1;
    state.visitMatches += 1;
    state.matched.push(match);
    const { type, times } = observation.usage;
    if ((type === 'Exactly' || type === 'AtMost') && state.visitMatches > times) {
      state.failed = true;
      state.reasons.push(
        `happened ${state.visitMatches} times, expected ${type === 'Exactly' ? '' : 'at most '}${times}`,
      );
      this.update(observation.id, 'FAILED');
    }
    for (const action of observation.actions) {
      if (alreadyDone.has(action)) {
        state.actions.push({ Identifier: action.id, Type: 'OverrideSystemBehavior', Status: 'PASSED' });
        continue;
      }
      await this.perform(action, state, boundary);
      if (this.endRequested) break;
    }
    if (state.visitMatches === movesOnAfter(observation)) {
      // The alternatives opened beside this one were not taken.
      for (const id of [...this.open]) {
        const sibling = this.states.get(id);
        if (id === observation.id || !sibling || sibling.group !== state.group || sibling.visitMatches > 0)
          continue;
        if (this.observations.get(id)?.usage.type === 'Always') continue;
        this.open.delete(id);
        this.update(id, sibling.matches > 0 ? (sibling.failed ? 'FAILED' : 'PASSED') : 'SKIPPED');
      }
      if (observation.usage.type === 'Once') this.open.delete(observation.id);
      this.update(observation.id, this.open.has(observation.id) ? 'IN_PROGRESS' : 'PASSED');
      if (!this.endRequested && observation.next.length > 0) this.openGroup(observation.next);
    } else {
      this.update(observation.id, 'IN_PROGRESS');
    }
  }

  private async perform(action: TestAction, state: ObservationState, boundary: number): Promise<void> {
    const { contacts } = this.options;
    const contactId = this.contactId;
    const record = (details: Record<string, unknown>) =>
      state.actions.push({ Identifier: action.id, At: this.now(), ...details });
    const caller = async (what: string, act: (id: string) => Promise<void>) => {
      if (contactId === undefined) {
        record({ Type: 'SendInstruction', Status: 'FAILED', Message: 'no contact' });
        state.failed = true;
        return;
      }
      // Input ends the message being heard: prompts after it are a new one.
      this.inputAt.push(Math.max(boundary, this.cursor));
      try {
        await act(contactId);
        record({ Type: 'SendInstruction', Status: 'PASSED', Instruction: what });
      } catch (error) {
        state.failed = true;
        state.reasons.push(`${action.id}: ${(error as Error).message}`);
        record({
          Type: 'SendInstruction',
          Status: 'FAILED',
          Instruction: what,
          Message: (error as Error).message,
        });
      }
      this.interacted = true;
    };
    const freshData = async () => {
      if (this.interacted) await contacts.settle();
      return this.contactData(this.view());
    };
    switch (action.kind) {
      case 'dtmf':
        await caller(`DtmfInput ${action.digits}`, (id) => contacts.press(id, action.digits));
        return;
      case 'utterance':
        await caller(`TextUtterance "${action.text}"`, (id) => {
          if (!contacts.utter) throw new Error('the contacts cannot take words');
          return contacts.utter(id, action.text);
        });
        return;
      case 'disconnect':
        await caller('Disconnect', (id) => contacts.hangup(id));
        return;
      case 'override':
        this.overrides.push(action.override);
        record({ Type: 'OverrideSystemBehavior', Status: 'PASSED', ActionType: action.override.action });
        return;
      case 'assert': {
        const actual = valueAt(await freshData(), action.namespace);
        const outcome = checkAssertion(actual, action.operator, action.operand);
        const expectation = `${action.namespace} ${action.operator}${
          action.operand !== undefined ? ` ${JSON.stringify(action.operand)}` : ''
        }`;
        record({
          Type: 'Assert',
          Status: outcome.passed ? 'PASSED' : 'FAILED',
          Assertion: expectation,
          ...(outcome.actual !== undefined ? { ActualValue: outcome.actual } : {}),
        });
        if (!outcome.passed) {
          state.failed = true;
          state.reasons.push(
            `${action.id}: expected ${expectation}, ${
              outcome.actual !== undefined ? `found ${JSON.stringify(outcome.actual)}` : 'found nothing'
            }`,
          );
        }
        return;
      }
      case 'log-data': {
        const data = await freshData();
        const logged = Object.fromEntries(
          Object.entries(action.expressions).map(([label, path]) => [label, valueAt(data, path) ?? null]),
        );
        record({ Type: 'TestControl', Command: 'LogData', Status: 'PASSED', LoggedData: logged });
        return;
      }
      case 'end-test':
        record({ Type: 'TestControl', Command: 'EndTest', Status: 'PASSED' });
        this.endRequested = true;
        return;
    }
  }

  /**
   * Ends the test: TestCompleted is offered when it completed (EndTest or the contact's end); whatever
   * must still happen has failed; the contact is hung up if still there.
   */
  private async finish(reason: string | undefined, completed: boolean): Promise<void> {
    if (this.ended) return;
    this.endRequested = false;
    if (completed) await this.offer({ type: 'TestCompleted', at: this.now() }, new Set());
    this.endRequested = true;
    for (const id of [...this.open]) {
      const observation = this.observations.get(id);
      const state = this.states.get(id);
      if (!observation || !state) continue;
      if (this.awaiting(id)) {
        state.failed = true;
        state.reasons.push(
          `expected ${describeExpectation(observation.event)}${
            required(observation) > 1 ? ` ${required(observation)} times, seen ${state.visitMatches}` : ''
          }; ${reason ?? 'the test ended first'}`,
        );
        this.update(id, 'FAILED');
      } else this.update(id, 'PASSED');
    }
    this.open.clear();
    this.status = [...this.states.values()].some((s) => s.status === 'FAILED') ? 'FAILED' : 'PASSED';
    await this.close();
  }

  private async close(): Promise<void> {
    this.ended = true;
    this.endedAt = this.options.clock.now();
    const view = this.view();
    if (this.contactId !== undefined && view && view.state !== 'ended') {
      try {
        await this.options.contacts.hangup(this.contactId);
      } catch {
        // The contact ended on its own meanwhile.
      }
    }
  }
}
