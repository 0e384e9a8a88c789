/**
 * A local Amazon Connect instance: registered contact flows run by the interpreter,
 * inbound calls to the hotline number, outbound calls through StartOutboundVoiceContact
 * on the real REST-JSON wire protocol (so the AWS SDK and CLI work by endpoint override),
 * queues, hours of operation, limits, and contact events shaped like EventBridge's.
 * Everything time-related reads the injected clock; nothing sleeps on real time.
 */

import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isPossiblePhoneNumber } from 'libphonenumber-js';
import type { FlowDocument } from '#infra/flows/lib/flow-language';
import { assertValidFlow, validateFlow } from '#infra/flows/lib/validate';
import { connectLexTurn } from '#local/lex/index';
import { AGENT_STATUSES, AgentFloor, type AgentStatusName } from './agents.ts';
import { ConnectApiError } from './api-error.ts';
import { CallArchive } from './call-archive';
import { ContactEventBus } from './contact-events.ts';
import {
  type ControlPlane,
  createControlPlane,
  type QueueConfig,
  type StoredQueue,
} from './control-plane.ts';
import { type HoursOfOperationConfig, isWithinHours } from './hours.ts';
import { createConnectHttp } from './http.ts';
import {
  type CallbackRequest,
  ContactFlowSession,
  type DisconnectReason,
  type FlowSessionHost,
  type LexBotRequest,
  type LexBotResult,
  type QueueRef,
  type TranscriptLine,
} from './interpreter.ts';
import { emulatorTestContacts } from './test-case-contacts.ts';
import { createTestCases } from './test-cases.ts';

/** How long a Lex block waits for the caller to say something before InputTimeLimitExceeded. */
export const LEX_SILENCE_SECONDS = 8;

import { currentMetrics } from './metrics.ts';

export { ConnectApiError } from './api-error.ts';
export * from './contact-model.ts';
export type { QueueConfig } from './control-plane.ts';

import {
  type CallDirection,
  type CallRecord,
  CLIENT_TOKEN_TTL_MS,
  type ConnectEmulatorOptions,
  type ConnectLimits,
  type ConnectStats,
  type ContactEvent,
  type ContactEventType,
  DEFAULT_HOTLINE_NUMBER,
  DEFAULT_INSTANCE_ID,
  DEFAULT_LIMITS,
  DIALING_TIMEOUT_SECONDS,
  DTMF_KEYS,
  E164,
  type EndReason,
  isRecord,
  MAX_REQUEST_ATTRIBUTES_BYTES,
  type NumberBehaviour,
  type OutboundCallLogEntry,
  type OutboundRequestResult,
  type PhoneCallView,
  PhoneSimulatorError,
  type RegisteredQueue,
} from './contact-model.ts';

export type ConnectEmulator = ReturnType<typeof createConnectEmulator>;

export function createConnectEmulator(options: ConnectEmulatorOptions) {
  const clock = options.clock;
  const region = options.region ?? 'eu-west-1';
  const accountId = options.accountId ?? '000000000000';
  const instanceId = options.instanceId ?? DEFAULT_INSTANCE_ID;
  const instanceArn = `arn:aws:connect:${region}:${accountId}:instance/${instanceId}`;
  const hotlineNumber = options.hotlineNumber ?? DEFAULT_HOTLINE_NUMBER;
  const limits: ConnectLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const log = options.log ?? ((message: string) => console.warn(`[connect-emulator] ${message}`));
  const emitCompleted = options.emitCompletedEvents ?? true;
  const autoTick = options.autoTick ?? true;
  let defaultBehaviour: NumberBehaviour = options.defaultNumberBehaviour ?? { answer: 'manual' };

  const control: ControlPlane = createControlPlane({
    clock,
    region,
    accountId,
    instanceId,
    ...(options.stateFile ? { stateFile: options.stateFile } : {}),
    // As Connect publishes: orphan blocks are allowed; a block this emulator cannot run is refused by name.
    checkContent: (doc, kind) =>
      validateFlow(doc, {
        kind,
        allowUnreachable: true,
        ...(options.lex ? { unsupportedActions: [] } : {}),
        ...(options.knownLambdaArns ? { knownLambdaArns: options.knownLambdaArns } : {}),
      }).map((problem) => problem.message),
  });
  const archive = new CallArchive(options.archiveFile);
  /** Live calls, and ended ones until their flow has stopped (then they move to the archive). */
  const calls = new Map<string, CallRecord>();
  /** Ended calls still in memory: retired to the archive once their session has nothing left to do. */
  const ended = new Set<CallRecord>();
  const floor = new AgentFloor(control);
  // Connect's flow tests (CreateTestCase, StartTestCaseExecution...) run on this instance's own contacts.
  const testing = emulatorTestContacts({
    clock,
    hasPublishedFlow: (flowId) => control.findFlow(flowId) !== undefined,
    routeTestNumber: (number, flowId) => control.routeNumber(number, flowId),
    startInboundCall: (from, to, attributes) => startInboundCall(from, to, attributes),
    pressKeys: (callId, digits) => pressKeys(callId, digits),
    speak: (callId, text) => speak(callId, text),
    hangup: (callId) => hangup(callId),
    getCall: (callId) => getCall(callId),
    whenIdle: async () => {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
  });
  const invokeLambda = testing.interceptLambda(options.invokeLambda);
  const testCases = createTestCases({
    clock,
    instanceId,
    instanceArn,
    region,
    accountId,
    contacts: testing.contacts,
    log,
  });
  /** Customer Profiles for GetCustomerProfile; without them the block takes its error branch, as in Connect. */
  let customerProfiles = options.customerProfiles;
  let callSeq = archive.lastCallSeq();
  const seqOf = {
    log: archive.lastSeq('log'),
    callback: archive.lastSeq('callback'),
  };
  /** Log entries of calls still in memory (their end is written into them); the rest is archived. */
  const liveLog = new Map<number, OutboundCallLogEntry>();
  /** Calls not ended yet: what ticks and timers look at (proportional to live work, not to history). */
  const open = new Set<CallRecord>();
  const numbers = new Map<string, NumberBehaviour>();
  const clientTokens = new Map<string, { contactId: string; at: number }>();
  const logRequest = (entry: OutboundCallLogEntry) => archive.append('log', ++seqOf.log, entry);
  const pending = new Set<Promise<unknown>>();
  const events = new ContactEventBus({
    clock,
    region,
    accountId,
    instanceArn,
    archive,
    ...(options.emitContactEvent ? { deliver: options.emitContactEvent } : {}),
    track: (promise) => track(promise),
    log,
  });
  let activeCalls = 0;
  let peakActiveCalls = 0;
  let outboundStarted = 0;
  let throttled = 0;
  let limitExceeded = 0;
  let tokens = limits.burst;
  let tokensAt = clock.now().getTime();

  // --- registration ----------------------------------------------------------

  /** In-process: a published flow under `contactFlowId` (an id or this instance's ARN), checked as Connect checks it. */
  function registerFlow(contactFlowId: string, document: FlowDocument | string): void {
    const doc: unknown = typeof document === 'string' ? JSON.parse(document) : structuredClone(document);
    assertValidFlow(doc, {
      flowName: contactFlowId,
      ...(options.lex ? { unsupportedActions: [] } : {}),
      ...(options.knownLambdaArns ? { knownLambdaArns: options.knownLambdaArns } : {}),
    });
    const id = contactFlowId.includes('/contact-flow/')
      ? (contactFlowId.split('/contact-flow/')[1] ?? contactFlowId)
      : contactFlowId;
    control.putFlow(id, doc as FlowDocument);
  }

  function findFlow(idOrArn: string): { readonly id: string; readonly doc: FlowDocument } | undefined {
    const flow = control.findFlow(idOrArn);
    return flow?.doc ? { id: flow.Id, doc: flow.doc } : undefined;
  }

  /** Binds the flow that answers calls to `phoneNumber` (default: the hotline number), claiming the number. */
  function setInboundFlow(contactFlowId: string, phoneNumber: string = hotlineNumber): void {
    control.routeNumber(phoneNumber, contactFlowId);
  }

  function queueRef(queue: StoredQueue): QueueRef {
    const callerId = queue.OutboundCallerConfig?.OutboundCallerIdName;
    return {
      id: queue.QueueId,
      arn: queue.QueueArn,
      name: queue.Name,
      ...(callerId ? { outboundCallerId: callerId } : {}),
    };
  }

  /** In-process: a queue under an id (or new settings for the queue of that id or name). */
  function setQueue(queueId: string, config: QueueConfig): QueueRef {
    return queueRef(control.putQueue(queueId, config));
  }

  function findQueue(idOrArn: string): RegisteredQueue | undefined {
    const queue = control.findQueue(idOrArn);
    if (!queue) return undefined;
    return {
      ref: queueRef(queue),
      config: {
        name: queue.Name,
        ...(queue.MaxContacts !== undefined ? { capacity: queue.MaxContacts } : {}),
        ...(queue.HoursOfOperationId !== undefined ? { hoursOfOperationId: queue.HoursOfOperationId } : {}),
        ...(queue.closed ? { closed: true } : {}),
        ...(queue.Status === 'DISABLED' ? { closed: true } : {}),
      },
    };
  }

  /** In-process: hours under an id or name (new settings for existing ones), with local dated overrides. */
  function setHoursOfOperation(hoursId: string, config: HoursOfOperationConfig): void {
    control.putHours(hoursId, config);
  }

  function findHours(idOrArn: string): HoursOfOperationConfig | undefined {
    return control.findHours(idOrArn)?.config;
  }

  function setNumberBehaviour(e164: string, behaviour: NumberBehaviour): void {
    if (!E164.test(e164))
      throw new PhoneSimulatorError('INVALID_INPUT', `${e164} is not an E.164 number`, 'number');
    if (behaviour.keys !== undefined && behaviour.keys !== '' && !DTMF_KEYS.test(behaviour.keys)) {
      throw new PhoneSimulatorError('INVALID_INPUT', 'keys may only hold 0-9, * and #', 'keys');
    }
    numbers.set(e164, behaviour);
  }

  function getNumberBehaviour(e164: string): NumberBehaviour {
    return numbers.get(e164) ?? defaultBehaviour;
  }

  function setDefaultNumberBehaviour(behaviour: NumberBehaviour): void {
    defaultBehaviour = behaviour;
  }

  for (const [id, config] of Object.entries(options.hoursOfOperation ?? {})) setHoursOfOperation(id, config);
  for (const [id, config] of Object.entries(options.queues ?? {})) setQueue(id, config);
  for (const [id, doc] of Object.entries(options.flows ?? {})) registerFlow(id, doc);
  if (options.inboundContactFlowId) setInboundFlow(options.inboundContactFlowId);

  // --- bookkeeping -------------------------------------------------------------

  function track<T>(promise: Promise<T>): Promise<T> {
    pending.add(promise);
    const done = () => pending.delete(promise);
    promise.then(done, done);
    return promise;
  }

  /** Resolves when nothing the emulator started (flows, Lambdas, HTTP requests) is still running. */
  /**
   * Resolves when nothing the emulator started (flows, Lambdas, HTTP requests, contact events) is still
   * running, except flows a Lex bot is listening on: they wait for the caller's words, not for work.
   */
  async function whenIdle(): Promise<void> {
    await untilQuiet();
    await testCases.whenIdle();
    await untilQuiet();
  }

  async function untilQuiet(): Promise<void> {
    while (pending.size > 0) {
      const listening = [...open].some((record) => record.listening);
      if (!listening) {
        await Promise.allSettled([...pending]);
        continue;
      }
      const onlyListenersLeft =
        events.inFlight === 0 &&
        [...open].every((record) => !record.session || record.session.isSettled() || record.listening);
      if (onlyListenersLeft) return;
      await Promise.race([
        Promise.allSettled([...pending]),
        new Promise((resolve) => setTimeout(resolve, 1)),
      ]);
    }
  }

  function isAllowed(e164: string): boolean {
    return options.isDestinationAllowed ? options.isDestinationAllowed(e164) : true;
  }

  /** Archives the contact's event now; EventBridge's targets get it asynchronously. */
  function emit(record: CallRecord, eventType: ContactEventType): void {
    events.publish(record, eventType);
  }

  function say(record: CallRecord, speaker: TranscriptLine['speaker'], text: string): void {
    record.transcript.push({ at: clock.now().toISOString(), speaker, text });
  }

  function startLive(record: CallRecord): void {
    record.live = true;
    activeCalls += 1;
    peakActiveCalls = Math.max(peakActiveCalls, activeCalls);
  }

  /** Ends a call that never reached a flow, or after its session ended. */
  async function finish(record: CallRecord, reason: EndReason, note: string): Promise<void> {
    if (record.state === 'ended') return;
    const now = clock.now();
    record.state = 'ended';
    open.delete(record);
    ended.add(record);
    record.endedAt = now;
    record.lastUpdate = now;
    record.disconnectReason = reason;
    say(record, 'system', note);
    if (record.agent) floor.contactEnded(record.id, now.getTime());
    if (record.listening) {
      // A Lex block still listening hears nothing more: its flow stops (the interpreter sees the end).
      const { resolve } = record.listening;
      record.listening = undefined;
      resolve({ outcome: 'timeout' });
    }
    if (record.live) {
      record.live = false;
      activeCalls -= 1;
    }
    if (record.logEntry) {
      record.logEntry.disconnectReason = reason;
      record.logEntry.endedAt = now.toISOString();
    }
    emit(record, 'DISCONNECTED');
    if (emitCompleted) emit(record, 'COMPLETED');
  }

  const endNotes: Record<DisconnectReason, string> = {
    CUSTOMER_DISCONNECT: '(call ended)',
    CONTACT_FLOW_DISCONNECT: '(call ended by the system)',
    TELECOM_BUSY: '(line busy)',
    TELECOM_TIMEOUT: '(no answer)',
    TELECOM_PROBLEM: '(the line dropped)',
    OTHER: '(call ended)',
  };

  function hostFor(record: CallRecord): FlowSessionHost {
    return {
      clock,
      invokeLambda,
      log,
      findFlow: (idOrArn) => findFlow(idOrArn)?.doc,
      findFlowModule: (idOrArn) => control.findModule(idOrArn)?.doc,
      ...(customerProfiles ? { customerProfiles } : {}),
      ...(options.lex ? { lexBot: (request: LexBotRequest) => listen(record, request) } : {}),
      findQueue: (idOrArn) => findQueue(idOrArn)?.ref,
      isOpen: (hoursId, queue) => {
        const queueConfig = queue ? findQueue(queue.id)?.config : undefined;
        if (hoursId === undefined && queueConfig?.closed) return false;
        const id = hoursId ?? queueConfig?.hoursOfOperationId;
        if (id === undefined) return queueConfig ? true : undefined;
        const config = findHours(id);
        if (!config) throw new Error(`hours of operation "${id}" are not configured in the emulator`);
        return isWithinHours(config, clock.now());
      },
      enqueue: (_session, queue) => {
        const registered = findQueue(queue.id);
        const capacity = registered?.config.capacity ?? Number.POSITIVE_INFINITY;
        const waiting = [...open].filter((c) => c.state === 'queued' && c.queue?.ref.id === queue.id).length;
        if (waiting >= capacity) return 'at-capacity';
        record.queue = { ref: queue, enqueuedAt: clock.now() };
        record.state = 'queued';
        emit(record, 'QUEUED');
        // After the flow's own step (its queue announcement), as Connect routes a contact once it is queued.
        void track(Promise.resolve().then(routeToAgents));
        return 'queued';
      },
      requestCallback: async (request) => {
        archive.append('callback', ++seqOf.callback, request);
        await options.onCallbackRequested?.(request);
      },
      isDialable: isAllowed,
      sessionEnded: (_session, reason) => finish(record, reason, endNotes[reason]),
    };
  }

  function view(record: CallRecord): PhoneCallView {
    const session = record.session;
    return {
      callId: record.id,
      contactId: record.id,
      direction: record.direction,
      state: record.state,
      from: record.from,
      to: record.to,
      initiationMethod: record.initiationMethod,
      contactFlowId: record.contactFlowId,
      startedAt: record.initiatedAt.toISOString(),
      ...(record.connectedAt ? { answeredAt: record.connectedAt.toISOString() } : {}),
      ...(record.endedAt ? { endedAt: record.endedAt.toISOString() } : {}),
      ...(record.disconnectReason ? { disconnectReason: record.disconnectReason } : {}),
      awaitingInput: session?.awaitingInput ?? false,
      transcript: record.transcript.map((line) => ({ ...line })),
      attributes: { ...(session?.attributes ?? record.initialAttributes) },
      ...(record.queue
        ? {
            queue: {
              name: record.queue.ref.name,
              arn: record.queue.ref.arn,
              enqueuedAt: record.queue.enqueuedAt.toISOString(),
            },
          }
        : {}),
      ...(record.agent
        ? { agent: { username: record.agent.username, connectedAt: record.agent.connectedAt.toISOString() } }
        : {}),
      ...(record.listening ? { listening: true } : {}),
      ...(session?.failure ? { failure: session.failure } : {}),
      trace: [...(session?.trace ?? [])],
    };
  }

  function recordOf(callId: string): CallRecord {
    const record = calls.get(callId);
    if (record) return record;
    if (archive.getCall(callId))
      throw new PhoneSimulatorError('CONFLICT', `call ${callId} has ended`, 'callId');
    throw new PhoneSimulatorError('NOT_FOUND', `no call ${callId}`, 'callId');
  }

  /**
   * Ended calls whose flow has nothing left to do leave memory for the archive: their view, their
   * DescribeContact answer and their log entry, as final. Their ClientToken is forgotten (after an end a
   * repeat starts a new call anyway).
   */
  function retireEnded(): void {
    for (const record of ended) {
      if (record.session && !record.session.isSettled()) continue;
      archive.putCall({
        id: record.id,
        seq: record.seq,
        direction: record.direction,
        phone: view(record),
        contact: contactOf(record),
      });
      if (record.logSeq !== undefined && record.logEntry) {
        archive.append('log', record.logSeq, record.logEntry);
        liveLog.delete(record.logSeq);
      }
      if (record.clientToken && clientTokens.get(record.clientToken)?.contactId === record.id)
        clientTokens.delete(record.clientToken);
      ended.delete(record);
      calls.delete(record.id);
    }
  }

  async function runFlow(record: CallRecord): Promise<void> {
    const flow = findFlow(record.contactFlowId);
    if (!flow) throw new Error(`flow ${record.contactFlowId} disappeared`);
    const session = new ContactFlowSession(
      hostFor(record),
      {
        contactId: record.id,
        initialContactId: record.id,
        instanceArn,
        initiationMethod: record.initiationMethod,
        customerAddress: record.customerAddress,
        systemAddress: record.systemAddress,
      },
      record.transcript,
      record.initialAttributes,
    );
    record.session = session;
    if (record.behaviour?.keys) session.setScriptedKeys(record.behaviour.keys);
    await untilListeningOr(record, track(session.start(flow.doc)));
  }

  /** Callbacks waiting for a call's flow to start listening to a Lex bot. */
  const listenWaiters = new Map<string, (() => void)[]>();

  /**
   * The flow's work, or until it listens for the caller's words (a Lex block waits for a person, not for
   * work: the phone simulator's request answers then, and the flow goes on when the caller speaks).
   */
  function untilListeningOr(record: CallRecord, work: Promise<unknown>): Promise<void> {
    if (record.listening) return Promise.resolve();
    let stop: (() => void) | undefined;
    const listening = new Promise<void>((resolve) => {
      stop = resolve;
      listenWaiters.set(record.id, [...(listenWaiters.get(record.id) ?? []), resolve]);
    });
    return Promise.race([work.then(() => undefined), listening]).finally(() => {
      const left = (listenWaiters.get(record.id) ?? []).filter((w) => w !== stop);
      if (left.length > 0) listenWaiters.set(record.id, left);
      else listenWaiters.delete(record.id);
    });
  }

  // --- inbound -------------------------------------------------------------------

  /** A person (or test) dials a number of the instance, by default the hotline. */
  function startInboundCall(
    from: string,
    to: string = hotlineNumber,
    attributes: Readonly<Record<string, string>> = {},
  ): Promise<PhoneCallView> {
    return track(
      (async () => {
        if (!E164.test(from))
          throw new PhoneSimulatorError(
            'INVALID_INPUT',
            `from must be an E.164 number, got "${from}"`,
            'from',
          );
        if (!control.isClaimed(to)) {
          throw new PhoneSimulatorError('NOT_FOUND', `${to} is not a number of this instance`, 'to');
        }
        const contactFlowId = control.flowForNumber(to)?.Id;
        if (!contactFlowId) throw new PhoneSimulatorError('NOT_FOUND', `no contact flow answers ${to}`, 'to');
        const now = clock.now();
        const record: CallRecord = {
          id: randomUUID(),
          seq: ++callSeq,
          direction: 'inbound',
          from,
          to,
          customerAddress: from,
          systemAddress: to,
          initiationMethod: 'INBOUND',
          contactFlowId,
          initiatedAt: now,
          transcript: [],
          initialAttributes: { ...attributes },
          state: 'in-progress',
          live: false,
          lastUpdate: now,
        };
        calls.set(record.id, record);
        if (activeCalls >= limits.maxConcurrentCalls) {
          record.state = 'ended';
          ended.add(record);
          record.endedAt = now;
          record.disconnectReason = 'TELECOM_BUSY';
          say(record, 'system', '(busy: the instance is at its concurrent call limit)');
          return view(record);
        }
        open.add(record);
        startLive(record);
        record.connectedAt = now;
        emit(record, 'INITIATED');
        await runFlow(record);
        return view(record);
      })(),
    );
  }

  // --- speech (Lex) ----------------------------------------------------------------------

  /** A Lex block waits for the caller's words (or their silence, LEX_SILENCE_SECONDS). */
  function listen(record: CallRecord, request: LexBotRequest): Promise<LexBotResult> {
    return new Promise<LexBotResult>((resolve, reject) => {
      record.listening = {
        request,
        resolve,
        reject,
        deadline: new Date(clock.now().getTime() + LEX_SILENCE_SECONDS * 1000),
        turns: 0,
      };
      for (const wake of listenWaiters.get(record.id) ?? []) wake();
    });
  }

  /** Waits until the call's flow has done what the last input set off (it listens or waits again, or ends). */
  async function untilFlowWaits(record: CallRecord): Promise<void> {
    for (let i = 0; i < 100_000; i++) {
      const session = record.session;
      if (
        record.state === 'ended' ||
        record.listening ||
        !session ||
        session.awaitingInput ||
        session.isSettled()
      ) {
        return;
      }
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  /** The caller says something: one turn with the Lex bot (it may ask for a missing detail, or close the intent). */
  async function speak(callId: string, text: string): Promise<PhoneCallView> {
    const record = recordOf(callId);
    const words = text.trim();
    if (words.length === 0 || words.length > 1024) {
      throw new PhoneSimulatorError('INVALID_INPUT', 'text must be 1 to 1024 characters', 'text');
    }
    if (record.state === 'ended')
      throw new PhoneSimulatorError('CONFLICT', `call ${callId} has ended`, 'callId');
    const listening = record.listening;
    if (!listening || !options.lex) {
      throw new PhoneSimulatorError(
        'CONFLICT',
        `call ${callId} is not listening for speech (press keys instead)`,
        'callId',
      );
    }
    say(record, 'caller', words);
    const { request } = listening;
    const target =
      'aliasArn' in request.bot
        ? { botAliasArn: request.bot.aliasArn, localeId: request.localeId ?? 'en_US' }
        : undefined;
    if (!target) {
      record.listening = undefined;
      listening.reject(new Error('a Lex V1 bot (LexBot) is not emulated; use LexV2Bot'));
      await untilFlowWaits(record);
      return view(record);
    }
    try {
      const response = options.lex.recognize(target, record.id, words, {
        ...(listening.turns === 0 ? { sessionAttributes: request.sessionAttributes } : {}),
      });
      listening.turns += 1;
      const turn = connectLexTurn(response);
      for (const line of turn.say) say(record, 'system', line);
      if (!turn.outcome) {
        listening.deadline = new Date(clock.now().getTime() + LEX_SILENCE_SECONDS * 1000);
        return view(record);
      }
      record.listening = undefined;
      const { lex } = turn.outcome;
      listening.resolve({
        outcome: 'intent',
        intentName: turn.outcome.intentName,
        slots: Object.fromEntries(
          Object.entries(lex.Slots ?? {}).flatMap(([k, v]) => (typeof v === 'string' ? [[k, v]] : [])),
        ),
        sessionAttributes: { ...lex.SessionAttributes },
        dialogState: lex.DialogState ?? 'Fulfilled',
        ...(lex.IntentConfidence ? { intentConfidence: Number(lex.IntentConfidence.Score) } : {}),
      });
    } catch (error) {
      record.listening = undefined;
      listening.reject(error instanceof Error ? error : new Error(String(error)));
    }
    await untilFlowWaits(record);
    return view(record);
  }

  async function pressKeys(callId: string, digits: string): Promise<PhoneCallView> {
    const record = recordOf(callId);
    if (!DTMF_KEYS.test(digits))
      throw new PhoneSimulatorError('INVALID_INPUT', 'digits may only hold 0-9, * and #', 'digits');
    if (record.state === 'ended')
      throw new PhoneSimulatorError('CONFLICT', `call ${callId} has ended`, 'callId');
    if (!record.session)
      throw new PhoneSimulatorError('CONFLICT', `call ${callId} is not connected yet`, 'callId');
    await untilListeningOr(record, track(record.session.pressKeys(digits)));
    return view(record);
  }

  /** The caller (inbound) or the person called (outbound) hangs up; a ringing call is declined. */
  async function hangup(callId: string): Promise<PhoneCallView> {
    const record = recordOf(callId);
    if (record.state === 'ended') return view(record);
    if (record.state === 'ringing') return decline(callId);
    say(record, 'caller', '(hung up)');
    if (record.session) await track(record.session.end('CUSTOMER_DISCONNECT'));
    else await track(finish(record, 'CUSTOMER_DISCONNECT', endNotes.CUSTOMER_DISCONNECT));
    return view(record);
  }

  /**
   * The line drops on the network (a bad line on our side): the contact ends with TELECOM_PROBLEM, as Connect
   * records a call lost to a telecom problem, and its DISCONNECTED event says so.
   */
  async function drop(callId: string): Promise<PhoneCallView> {
    const record = recordOf(callId);
    if (record.state === 'ended')
      throw new PhoneSimulatorError('CONFLICT', `call ${callId} has ended`, 'callId');
    if (record.state === 'ringing')
      throw new PhoneSimulatorError('CONFLICT', `call ${callId} is not connected yet`, 'callId');
    if (record.session) await track(record.session.end('TELECOM_PROBLEM'));
    else await track(finish(record, 'TELECOM_PROBLEM', endNotes.TELECOM_PROBLEM));
    return view(record);
  }

  // --- outbound ------------------------------------------------------------------

  async function answer(callId: string): Promise<PhoneCallView> {
    const record = recordOf(callId);
    if (record.state !== 'ringing')
      throw new PhoneSimulatorError('CONFLICT', `call ${callId} is not ringing`, 'callId');
    await track(connectOutbound(record));
    return view(record);
  }

  async function decline(callId: string): Promise<PhoneCallView> {
    const record = recordOf(callId);
    if (record.state !== 'ringing')
      throw new PhoneSimulatorError('CONFLICT', `call ${callId} is not ringing`, 'callId');
    say(record, 'caller', '(declined)');
    await track(finish(record, 'TELECOM_BUSY', endNotes.TELECOM_BUSY));
    return view(record);
  }

  async function connectOutbound(record: CallRecord): Promise<void> {
    if (record.state !== 'ringing') return;
    const now = clock.now();
    record.state = 'in-progress';
    record.connectedAt = now;
    record.lastUpdate = now;
    say(record, 'caller', '(answered)');
    emit(record, 'CONNECTED_TO_SYSTEM');
    await runFlow(record);
  }

  function takeToken(): boolean {
    const now = clock.now().getTime();
    tokens = Math.min(limits.burst, tokens + ((now - tokensAt) / 1000) * limits.callsPerSecond);
    tokensAt = now;
    if (tokens < 1) return false;
    tokens -= 1;
    return true;
  }

  function checkInstance(value: unknown): void {
    if (typeof value !== 'string' || value.length === 0) {
      throw new ConnectApiError('InvalidParameterException', 400, 'InstanceId is required');
    }
    if (value !== instanceId && value !== instanceArn) {
      throw new ConnectApiError('ResourceNotFoundException', 404, `Instance ${value} not found`);
    }
  }

  // The hotline number belongs to the instance from the start (as the number CDK claims does).
  control.claimPhoneNumber({ PhoneNumber: hotlineNumber, TargetArn: instanceArn });

  /** StartOutboundVoiceContact, as the HTTP API and tests call it. */
  async function startOutboundVoiceContact(input: unknown): Promise<{ ContactId: string }> {
    const now = clock.now();
    const body = isRecord(input) ? input : {};
    const destination = typeof body.DestinationPhoneNumber === 'string' ? body.DestinationPhoneNumber : '';
    const contactFlowId = typeof body.ContactFlowId === 'string' ? body.ContactFlowId : '';
    const clientToken = typeof body.ClientToken === 'string' ? body.ClientToken : undefined;
    const reject = (error: ConnectApiError): never => {
      if (error.errorType === 'ThrottlingException') throttled += 1;
      if (error.errorType === 'LimitExceededException') limitExceeded += 1;
      logRequest({
        at: now.toISOString(),
        destination,
        contactFlowId,
        ...(clientToken ? { clientToken } : {}),
        result: error.errorType as OutboundRequestResult,
        message: error.message,
        activeCallsAfter: activeCalls,
      });
      throw error;
    };
    try {
      if (!takeToken()) {
        throw new ConnectApiError(
          'ThrottlingException',
          429,
          `Rate exceeded: more than ${limits.callsPerSecond} calls per second`,
        );
      }
      checkInstance(body.InstanceId);
      if (!contactFlowId)
        throw new ConnectApiError('InvalidParameterException', 400, 'ContactFlowId is required');
      const flow = findFlow(contactFlowId);
      if (!flow)
        throw new ConnectApiError(
          'ResourceNotFoundException',
          404,
          `Contact flow ${contactFlowId} not found`,
        );
      if (!E164.test(destination) || !isPossiblePhoneNumber(destination)) {
        throw new ConnectApiError(
          'InvalidParameterException',
          400,
          `DestinationPhoneNumber ${destination} is not a valid E.164 phone number`,
        );
      }
      const source = typeof body.SourcePhoneNumber === 'string' ? body.SourcePhoneNumber : undefined;
      const queueId = typeof body.QueueId === 'string' ? body.QueueId : undefined;
      if (source === undefined && queueId === undefined) {
        throw new ConnectApiError(
          'InvalidParameterException',
          400,
          'Either SourcePhoneNumber or QueueId must be given',
        );
      }
      if (source !== undefined && !E164.test(source)) {
        throw new ConnectApiError(
          'InvalidParameterException',
          400,
          'SourcePhoneNumber must be an E.164 phone number',
        );
      }
      if (source !== undefined && !control.isClaimed(source)) {
        throw new ConnectApiError(
          'InvalidParameterException',
          400,
          `SourcePhoneNumber ${source} is not a number claimed by this instance`,
        );
      }
      const queue = queueId !== undefined ? findQueue(queueId) : undefined;
      if (queueId !== undefined && !queue)
        throw new ConnectApiError('ResourceNotFoundException', 404, `Queue ${queueId} not found`);
      const attributes: Record<string, string> = {};
      if (body.Attributes !== undefined) {
        if (!isRecord(body.Attributes))
          throw new ConnectApiError('InvalidParameterException', 400, 'Attributes must be a map of strings');
        for (const [key, value] of Object.entries(body.Attributes)) {
          if (typeof value !== 'string') {
            throw new ConnectApiError('InvalidParameterException', 400, `Attributes.${key} must be a string`);
          }
          attributes[key] = value;
        }
        const bytes = Object.entries(attributes).reduce(
          (n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v),
          0,
        );
        if (bytes > MAX_REQUEST_ATTRIBUTES_BYTES) {
          throw new ConnectApiError(
            'InvalidParameterException',
            400,
            `Attributes take ${bytes} bytes; at most 32 KB`,
          );
        }
      }
      if (clientToken !== undefined && (clientToken.length === 0 || clientToken.length > 500)) {
        throw new ConnectApiError(
          'InvalidParameterException',
          400,
          'ClientToken must be 1 to 500 characters',
        );
      }
      const ringTimeout =
        typeof body.RingTimeoutInSeconds === 'number' ? body.RingTimeoutInSeconds : DIALING_TIMEOUT_SECONDS;
      if (!isAllowed(destination)) {
        throw new ConnectApiError(
          'DestinationNotAllowedException',
          403,
          `Outbound calls to ${destination} are not allowed`,
        );
      }

      // a repeat while the contact is live returns it; after it ended, a new call starts
      if (clientToken !== undefined) {
        const known = clientTokens.get(clientToken);
        const existing =
          known && now.getTime() - known.at < CLIENT_TOKEN_TTL_MS ? calls.get(known.contactId) : undefined;
        if (existing && existing.state !== 'ended') {
          logRequest({
            at: now.toISOString(),
            destination,
            contactFlowId,
            clientToken,
            contactId: existing.id,
            result: 'existing-contact',
            activeCallsAfter: activeCalls,
          });
          return { ContactId: existing.id };
        }
      }
      if (activeCalls >= limits.maxConcurrentCalls) {
        throw new ConnectApiError(
          'LimitExceededException',
          429,
          `The instance has ${activeCalls} live calls; its limit is ${limits.maxConcurrentCalls}`,
        );
      }

      const behaviour = getNumberBehaviour(destination);
      const systemAddress = source ?? queue?.config.outboundCallerId ?? hotlineNumber;
      const record: CallRecord = {
        id: randomUUID(),
        seq: ++callSeq,
        ...(clientToken !== undefined ? { clientToken } : {}),
        direction: 'outbound',
        from: systemAddress,
        to: destination,
        customerAddress: destination,
        systemAddress,
        initiationMethod: 'API',
        contactFlowId: flow.id,
        initiatedAt: now,
        transcript: [],
        initialAttributes: attributes,
        state: 'ringing',
        live: false,
        behaviour,
        answerDueAt: new Date(now.getTime() + (behaviour.ringSeconds ?? 0) * 1000),
        dialDeadline: new Date(now.getTime() + Math.min(ringTimeout, DIALING_TIMEOUT_SECONDS) * 1000),
        lastUpdate: now,
      };
      calls.set(record.id, record);
      open.add(record);
      startLive(record);
      outboundStarted += 1;
      if (clientToken !== undefined)
        clientTokens.set(clientToken, { contactId: record.id, at: now.getTime() });
      const entry: OutboundCallLogEntry = {
        at: now.toISOString(),
        destination,
        contactFlowId,
        ...(clientToken ? { clientToken } : {}),
        contactId: record.id,
        result: 'started',
        activeCallsAfter: activeCalls,
      };
      record.logEntry = entry;
      record.logSeq = ++seqOf.log;
      liveLog.set(record.logSeq, entry);
      if (options.callJournalFile) {
        appendFileSync(
          options.callJournalFile,
          `${JSON.stringify({
            at: entry.at,
            destination,
            contactId: record.id,
            jobId: attributes.jobId,
            attempt: attributes.attempt,
          })}\n`,
        );
      }
      say(record, 'system', `(ringing ${destination})`);
      emit(record, 'INITIATED');
      if (autoTick) void track(new Promise<void>((resolve) => setImmediate(() => resolve(tick()))));
      return { ContactId: record.id };
    } catch (error) {
      if (error instanceof ConnectApiError) return reject(error);
      throw error;
    }
  }

  async function stopContact(input: unknown): Promise<Record<string, never>> {
    const body = isRecord(input) ? input : {};
    checkInstance(body.InstanceId);
    const contactId = typeof body.ContactId === 'string' ? body.ContactId : '';
    const record = calls.get(contactId);
    // Like Connect: 410 ContactNotFoundException, "not active or does not exist", for an ended contact too.
    if (!record || record.state === 'ended')
      throw new ConnectApiError(
        'ContactNotFoundException',
        410,
        `Contact ${contactId} is not active or does not exist`,
      );
    if (record.session) await track(record.session.end('OTHER'));
    else await track(finish(record, 'OTHER', '(call stopped through the API)'));
    return {};
  }

  function describeContact(instance: string, contactId: string): { Contact: Record<string, unknown> } {
    checkInstance(instance);
    const record = calls.get(contactId);
    if (record) return { Contact: contactOf(record) };
    const archived = archive.getCall<PhoneCallView, Record<string, unknown>>(contactId);
    if (archived) return { Contact: archived.contact };
    throw new ConnectApiError('ResourceNotFoundException', 404, `Contact ${contactId} not found`);
  }

  /** DescribeContact's Contact for a call. */
  function contactOf(record: CallRecord): Record<string, unknown> {
    const seconds = (date: Date) => date.getTime() / 1000;
    const session = record.session;
    return {
      Arn: `${instanceArn}/contact/${record.id}`,
      Id: record.id,
      InitialContactId: record.id,
      InitiationMethod: record.initiationMethod,
      Channel: 'VOICE',
      InitiationTimestamp: seconds(record.initiatedAt),
      ...(record.connectedAt ? { ConnectedToSystemTimestamp: seconds(record.connectedAt) } : {}),
      ...(record.endedAt ? { DisconnectTimestamp: seconds(record.endedAt) } : {}),
      LastUpdateTimestamp: seconds(record.endedAt ?? record.lastUpdate),
      CustomerEndpoint: { Type: 'TELEPHONE_NUMBER', Address: record.customerAddress },
      SystemEndpoint: { Type: 'TELEPHONE_NUMBER', Address: record.systemAddress },
      ...(record.queue
        ? { QueueInfo: { Id: record.queue.ref.id, EnqueueTimestamp: seconds(record.queue.enqueuedAt) } }
        : {}),
      ...(record.agent
        ? {
            AgentInfo: {
              Id: record.agent.userId,
              ConnectedToAgentTimestamp: seconds(record.agent.connectedAt),
            },
          }
        : {}),
      ...(record.disconnectReason ? { DisconnectReason: record.disconnectReason } : {}),
      Attributes: { ...(session?.attributes ?? record.initialAttributes) },
    };
  }

  // --- time ------------------------------------------------------------------------

  /** Applies whatever the clock has made due: answering, busy, dialing timeouts, input time limits. */
  /** Offers waiting contacts to free agents (routing profiles, priorities, delays, longest idle first). */
  function routeToAgents(): void {
    const now = clock.now();
    const waiting = [...open]
      .filter((r) => r.state === 'queued' && r.queue)
      .map((r) => ({
        contactId: r.id,
        queueId: r.queue?.ref.id ?? '',
        enqueuedAt: r.queue?.enqueuedAt.getTime() ?? 0,
      }));
    if (waiting.length === 0) return;
    for (const { agent, contactId } of floor.offer(waiting, now.getTime())) {
      const record = calls.get(contactId);
      if (!record) continue;
      floor.connect(agent, contactId, now.getTime());
      record.state = 'with-agent';
      record.agent = {
        userId: agent.userId,
        username: agent.username,
        arn: `${instanceArn}/agent/${agent.userId}`,
        connectedAt: now,
      };
      record.lastUpdate = now;
      say(record, 'system', `(agent ${agent.username} answered)`);
      emit(record, 'CONNECTED_TO_AGENT');
    }
  }

  /** When a contact waiting since `enqueuedAt` is first offered to a free agent of a profile with a delay. */
  function offerDueAt(queueId: string, enqueuedAt: number): number | undefined {
    const freeProfiles = new Set(
      floor
        .all()
        .filter((a) => a.status === 'Available' && a.activity === 'idle')
        .map((a) => a.routingProfileId),
    );
    let due: number | undefined;
    for (const profile of control.routingProfiles()) {
      if (!freeProfiles.has(profile.RoutingProfileId)) continue;
      for (const config of profile.QueueConfigs) {
        if (config.QueueId !== queueId || config.Delay === 0) continue;
        const at = enqueuedAt + config.Delay * 1000;
        if (at > clock.now().getTime() && (due === undefined || at < due)) due = at;
      }
    }
    return due;
  }

  function tick(): Promise<void> {
    retireEnded();
    const now = clock.now().getTime();
    const work: Promise<void>[] = [];
    for (const record of open) {
      if (record.state === 'ringing') {
        const behaviour = record.behaviour ?? defaultBehaviour;
        const answerDue = (record.answerDueAt?.getTime() ?? now) <= now;
        if (behaviour.answer === 'answer' && answerDue) work.push(connectOutbound(record));
        else if (behaviour.answer === 'busy' && answerDue)
          work.push(finish(record, 'TELECOM_BUSY', endNotes.TELECOM_BUSY));
        else if ((record.dialDeadline?.getTime() ?? Number.POSITIVE_INFINITY) <= now) {
          work.push(finish(record, 'TELECOM_TIMEOUT', endNotes.TELECOM_TIMEOUT));
        }
      } else if (record.listening && record.listening.deadline.getTime() <= now) {
        const { resolve } = record.listening;
        record.listening = undefined;
        resolve({ outcome: 'timeout' });
        work.push(untilFlowWaits(record));
      } else if (record.session?.awaitingInput) {
        work.push(record.session.checkTimeouts());
      }
    }
    for (const contactId of floor.due(now)) {
      const record = calls.get(contactId);
      if (record && record.state === 'with-agent') {
        say(record, 'system', `(agent ${record.agent?.username} hung up)`);
        work.push(finish(record, 'AGENT_DISCONNECT', '(call ended by the agent)'));
      } else floor.contactEnded(contactId, now);
    }
    return track(
      Promise.all(work)
        .then(routeToAgents)
        .then(() => testCases.tick()),
    );
  }

  /**
   * When the next ring is answered or turns busy, a dial times out or an input time limit runs out (epoch
   * ms), or undefined when no call waits on time: a virtual clock moves straight there.
   */
  function nextDueAt(): number | undefined {
    let next: number | undefined;
    const consider = (at: number | undefined) => {
      if (at !== undefined && (next === undefined || at < next)) next = at;
    };
    for (const record of open) {
      if (record.state === 'ringing') {
        const behaviour = record.behaviour ?? defaultBehaviour;
        if (behaviour.answer === 'answer' || behaviour.answer === 'busy')
          consider(record.answerDueAt?.getTime());
        consider(record.dialDeadline?.getTime());
      } else if (record.session?.awaitingInput) {
        consider(record.session.inputDeadline?.getTime());
      } else if (record.listening) {
        consider(record.listening.deadline.getTime());
      } else if (record.state === 'queued' && record.queue) {
        consider(offerDueAt(record.queue.ref.id, record.queue.enqueuedAt.getTime()));
      }
    }
    consider(floor.nextDueAt());
    consider(testCases.nextDueAt());
    return next;
  }

  // --- contact attributes ---------------------------------------------------------------

  /** GetContactAttributes: the user-defined attributes of a live or ended contact. */
  function attributesOf(contactId: string): Record<string, string> {
    const record = calls.get(contactId);
    if (record) return { ...(record.session?.attributes ?? record.initialAttributes) };
    const archived = archive.getCall<PhoneCallView, unknown>(contactId);
    if (!archived)
      throw new ConnectApiError('ResourceNotFoundException', 404, `Contact ${contactId} not found`);
    return { ...archived.phone.attributes };
  }

  /**
   * UpdateContactAttributes: adds or replaces attributes of a live contact (its flow reads them next) or of
   * an ended one (what DescribeContact and the call list show), within Connect's 32 KB; an empty value stays.
   */
  function updateContactAttributes(input: unknown): Record<string, never> {
    const body = isRecord(input) ? input : {};
    checkInstance(body.InstanceId);
    const contactId = typeof body.InitialContactId === 'string' ? body.InitialContactId : '';
    if (!contactId)
      throw new ConnectApiError('InvalidParameterException', 400, 'InitialContactId is required');
    if (!isRecord(body.Attributes) || Object.values(body.Attributes).some((v) => typeof v !== 'string')) {
      throw new ConnectApiError('InvalidParameterException', 400, 'Attributes must be a map of strings');
    }
    const updates = body.Attributes as Record<string, string>;
    const check = (merged: Record<string, string>) => {
      const bytes = Object.entries(merged).reduce(
        (sum, [k, v]) => sum + Buffer.byteLength(k) + Buffer.byteLength(v),
        0,
      );
      if (bytes > MAX_REQUEST_ATTRIBUTES_BYTES) {
        throw new ConnectApiError(
          'InvalidParameterException',
          400,
          `Attributes would take ${bytes} bytes, over 32 KB`,
        );
      }
      return merged;
    };
    const record = calls.get(contactId);
    if (record) {
      if (record.session) record.session.attributes = check({ ...record.session.attributes, ...updates });
      else record.initialAttributes = check({ ...record.initialAttributes, ...updates });
      return {};
    }
    const archived = archive.getCall<PhoneCallView, Record<string, unknown>>(contactId);
    if (!archived)
      throw new ConnectApiError('ResourceNotFoundException', 404, `Contact ${contactId} not found`);
    const merged = check({ ...archived.phone.attributes, ...updates });
    archive.putCall({
      id: contactId,
      seq: archived.seq,
      direction: archived.phone.direction,
      phone: { ...archived.phone, attributes: merged },
      contact: { ...archived.contact, Attributes: merged },
    });
    return {};
  }

  // --- agents ------------------------------------------------------------------------

  function agentStatusSummary(status: (typeof AGENT_STATUSES)[number]) {
    const id = control.idFor('agent-status', status.name);
    return { Id: id, Arn: `${instanceArn}/agent-state/${id}`, Name: status.name, Type: status.type };
  }

  function agentOf(key: string) {
    const agent = floor.agent(key);
    if (!agent) throw new ConnectApiError('ResourceNotFoundException', 404, `User ${key} not found`);
    return agent;
  }

  /** PutUserStatus: the agent's status by AgentStatusId (Available routes contacts to them). */
  function putUserStatus(userId: string, input: unknown): Record<string, never> {
    const body = isRecord(input) ? input : {};
    const statusId = typeof body.AgentStatusId === 'string' ? body.AgentStatusId : '';
    const status = AGENT_STATUSES.map(agentStatusSummary).find(
      (s) => s.Id === statusId || s.Arn === statusId,
    );
    if (!status)
      throw new ConnectApiError('ResourceNotFoundException', 404, `Agent status ${statusId} not found`);
    setAgentStatus(agentOf(userId).userId, status.Name as AgentStatusName);
    return {};
  }

  /** The phone simulator's and PutUserStatus's way to staff the floor: Available agents take queued calls. */
  function setAgentStatus(key: string, status: AgentStatusName, talkSeconds?: number) {
    const agent = agentOf(key);
    floor.setStatus(agent, status, clock.now().getTime());
    if (talkSeconds !== undefined) agent.talkSeconds = talkSeconds;
    routeToAgents();
    return floor.view(agent);
  }

  function currentMetricData(input: unknown) {
    const waiting = [...open].flatMap((r) =>
      r.state === 'queued' && r.queue
        ? [{ queueId: r.queue.ref.id, enqueuedAt: r.queue.enqueuedAt.getTime() }]
        : [],
    );
    return currentMetrics(input, { control, floor, waiting, now: clock.now().getTime() });
  }

  // --- HTTP (REST-JSON, as the AWS SDK speaks it) ------------------------------------

  const withInstance =
    <T>(run: (id: string, body: unknown) => T) =>
    (params: readonly string[], body: unknown) => {
      checkInstance(params[0]);
      return run(params[1] ?? '', body);
    };
  const handle = createConnectHttp({
    routes: [
      ['PUT', /^\/contact\/outbound-voice$/, (_p, body) => startOutboundVoiceContact(body)],
      ['POST', /^\/contact\/stop$/, (_p, body) => stopContact(body)],
      [
        'GET',
        /^\/contacts\/([^/]+)\/([^/]+)$/,
        (params) => describeContact(params[0] ?? '', params[1] ?? ''),
      ],
      ['POST', /^\/contact\/attributes$/, (_p, body) => updateContactAttributes(body)],
      [
        'GET',
        /^\/contact\/attributes\/([^/]+)\/([^/]+)$/,
        withInstance((contactId) => ({ Attributes: attributesOf(contactId) })),
      ],
      [
        'PUT',
        /^\/users\/([^/]+)\/([^/]+)\/status$/,
        withInstance((userId, body) => putUserStatus(userId, body)),
      ],
      [
        'GET',
        /^\/agent-status\/([^/]+)$/,
        withInstance(() => ({ AgentStatusSummaryList: AGENT_STATUSES.map(agentStatusSummary) })),
      ],
      ['POST', /^\/metrics\/current\/([^/]+)$/, withInstance((_id, body) => currentMetricData(body))],
    ],
    areas: [control.handle, testCases.handle],
    log,
  });

  /** Node HTTP handler for the Connect API; any SigV4 Authorization is accepted unverified. */
  function httpHandler(req: IncomingMessage, res: ServerResponse): void {
    void track(handle(req, res));
  }

  // --- reading -------------------------------------------------------------------------

  function getCall(callId: string): PhoneCallView | undefined {
    const record = calls.get(callId);
    return record ? view(record) : archive.getCall<PhoneCallView, unknown>(callId)?.phone;
  }

  /** Every call (or the newest `limit`), the newest first: those in memory and those archived. */
  function listCalls(filter: { direction?: CallDirection; limit?: number } = {}): PhoneCallView[] {
    const inMemory = [...calls.values()]
      .filter((record) => filter.direction === undefined || record.direction === filter.direction)
      .map((record) => ({ seq: record.seq, phone: view(record) }));
    return [...inMemory, ...archive.listCalls<PhoneCallView>(filter.direction, filter.limit)]
      .sort((a, b) => b.seq - a.seq)
      .slice(0, filter.limit ?? Number.POSITIVE_INFINITY)
      .map((entry) => entry.phone);
  }

  /** The outbound request log, in order: archived entries and those of calls still in memory. */
  function requestLog(): OutboundCallLogEntry[] {
    return [
      ...archive.history<OutboundCallLogEntry>('log'),
      ...[...liveLog].map(([seq, body]) => ({ seq, body })),
    ]
      .sort((a, b) => a.seq - b.seq)
      .map((entry) => entry.body);
  }

  function stats(): ConnectStats {
    return { activeCalls, peakActiveCalls, limits, outboundStarted, throttled, limitExceeded };
  }

  return {
    instanceId,
    instanceArn,
    /** The instance's resources and their API (flows, queues, hours, numbers, routing profiles, users). */
    control,
    region,
    hotlineNumber,
    /** Every StartOutboundVoiceContact request, in order, with its result (read from the archive). */
    get callLog(): readonly OutboundCallLogEntry[] {
      return requestLog();
    },
    /** Every CreateCallbackContact the flows ran. */
    get callbackRequests(): readonly CallbackRequest[] {
      return archive.history<CallbackRequest>('callback').map((entry) => entry.body);
    },
    /** Every contact event emitted, in order. */
    get contactEvents(): readonly ContactEvent[] {
      return archive.history<ContactEvent>('event').map((entry) => entry.body);
    },
    /** The simulated agents (every user of the instance), with status and what they are doing. */
    agents: () => floor.all().map((agent) => floor.view(agent)),
    setAgentStatus,
    /** Where GetCustomerProfile looks (the local runtime: the desk's customer registry). */
    setCustomerProfiles: (profiles: ConnectEmulatorOptions['customerProfiles']) => {
      customerProfiles = profiles;
    },
    /** Calls held in memory now (live, or ended with their flow still finishing): bounded by live work. */
    callsInMemory: () => calls.size,
    /** Closes the archive (a temporary one is removed). */
    close: () => archive.close(),
    httpHandler,
    registerFlow,
    setInboundFlow,
    setQueue,
    setHoursOfOperation,
    setNumberBehaviour,
    getNumberBehaviour,
    setDefaultNumberBehaviour,
    startInboundCall,
    pressKeys,
    speak,
    hangup,
    drop,
    answer,
    decline,
    getCall,
    listCalls,
    startOutboundVoiceContact,
    stopContact,
    describeContact,
    tick,
    nextDueAt,
    whenIdle,
    stats,
  };
}
