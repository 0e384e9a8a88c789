/**
 * The Connect emulator's contact model: its public types (calls as the phone simulator shows them, contact
 * events, limits, the outbound request log) and the record it keeps per contact.
 */
import type { ConnectContactFlowInitiationMethod, EventBridgeEvent } from 'aws-lambda';
import type { FlowDocument } from '#infra/flows/lib/flow-language';
import type { LexRuntime } from '#local/lex/index';
import type { Clock } from '#shared/ports/clock';
import type { QueueConfig } from './control-plane.ts';
import type { HoursOfOperationConfig } from './hours.ts';
import type {
  CallbackRequest,
  ContactFlowSession,
  DisconnectReason,
  FlowSessionHost,
  LambdaInvoker,
  LexBotRequest,
  LexBotResult,
  QueueRef,
  TraceEntry,
  TranscriptLine,
} from './interpreter.ts';

export const DEFAULT_INSTANCE_ID = '5a1b7c3e-0000-4000-8000-00000000c0de';
export const DEFAULT_HOTLINE_NUMBER = '+15550100100';
/** Connect fails an outbound call that is not connected within 60 seconds. */
export const DIALING_TIMEOUT_SECONDS = 60;
/** StartOutboundVoiceContact's ClientToken is valid for 7 days. */
export const CLIENT_TOKEN_TTL_MS = 7 * 24 * 3600 * 1000;
export const MAX_REQUEST_ATTRIBUTES_BYTES = 32 * 1024;
export const E164 = /^\+[1-9]\d{1,14}$/;
export const DTMF_KEYS = /^[0-9*#]+$/;

/** Disconnect reasons for the outcomes a dialer has to tell apart. */
export const DISCONNECT_REASONS = {
  callerHungUp: 'CUSTOMER_DISCONNECT',
  flowHungUp: 'CONTACT_FLOW_DISCONNECT',
  noAnswer: 'TELECOM_TIMEOUT',
  busy: 'TELECOM_BUSY',
  stopped: 'OTHER',
} as const satisfies Record<string, DisconnectReason>;

// ---------------------------------------------------------------------------
// Public types

export interface NumberBehaviour {
  /** `manual`: rings until someone answers or declines through the phone simulator (or 60 s pass). */
  readonly answer: 'answer' | 'no-answer' | 'busy' | 'manual';
  /** Keys pressed when the flow asks, in order: one per menu, up to `#` for digits. */
  readonly keys?: string;
  /** Clock seconds the phone rings before answering (or before busy is signalled); default 0. */
  readonly ringSeconds?: number;
}

export interface ConnectLimits {
  /** StartOutboundVoiceContact calls per second (token bucket refill rate). */
  readonly callsPerSecond: number;
  /** Bucket size: calls allowed in a burst. */
  readonly burst: number;
  /** Live calls (ringing, in a flow or queued) per instance. */
  readonly maxConcurrentCalls: number;
}

export const DEFAULT_LIMITS: ConnectLimits = { callsPerSecond: 2, burst: 5, maxConcurrentCalls: 10 };

export type ContactEventType =
  | 'INITIATED'
  | 'CONNECTED_TO_SYSTEM'
  | 'QUEUED'
  | 'CONNECTED_TO_AGENT'
  | 'DISCONNECTED'
  | 'COMPLETED';

export interface ContactEventDetail {
  readonly eventType: ContactEventType;
  readonly contactId: string;
  readonly initialContactId: string;
  readonly channel: 'VOICE';
  readonly instanceArn: string;
  readonly initiationMethod: ConnectContactFlowInitiationMethod;
  readonly initiationTimestamp: string;
  readonly connectedToSystemTimestamp?: string;
  readonly disconnectTimestamp?: string;
  readonly disconnectReason?: string;
  readonly queueInfo?: {
    readonly queueArn: string;
    readonly queueType: 'STANDARD';
    readonly enqueueTimestamp: string;
  };
  readonly agentInfo?: { readonly agentArn: string; readonly connectedToAgentTimestamp: string };
  readonly tags: Readonly<Record<string, string>>;
}

export type ContactEvent = EventBridgeEvent<'Amazon Connect Contact Event', ContactEventDetail>;

/** `with-agent`: a simulated agent of a routing profile that holds the queue took the call. */
export type PhoneCallState = 'ringing' | 'in-progress' | 'queued' | 'with-agent' | 'ended';
export type CallDirection = 'inbound' | 'outbound';

export interface PhoneCallView {
  readonly callId: string;
  /** Same as callId: the Connect ContactId. */
  readonly contactId: string;
  readonly direction: CallDirection;
  readonly state: PhoneCallState;
  readonly from: string;
  readonly to: string;
  readonly initiationMethod: ConnectContactFlowInitiationMethod;
  readonly contactFlowId: string;
  readonly startedAt: string;
  readonly answeredAt?: string;
  readonly endedAt?: string;
  readonly disconnectReason?: string;
  /** The flow is waiting for keys right now. */
  readonly awaitingInput: boolean;
  readonly transcript: readonly TranscriptLine[];
  readonly attributes: Readonly<Record<string, string>>;
  readonly queue?: { readonly name: string; readonly arn: string; readonly enqueuedAt: string };
  readonly agent?: { readonly username: string; readonly connectedAt: string };
  /** A Lex bot is listening: say something (`POST /local/phone/calls/{id}/speech`). */
  readonly listening?: boolean;
  /** Why the emulator could not run the flow (unknown action, bad parameter, ...). */
  readonly failure?: string;
  /** What happened inside the flow (Lambda results and errors, branches taken), for debugging. */
  readonly trace: readonly TraceEntry[];
}

export type OutboundRequestResult =
  | 'started'
  | 'existing-contact'
  | 'ThrottlingException'
  | 'LimitExceededException'
  | 'InvalidParameterException'
  | 'ResourceNotFoundException'
  | 'DestinationNotAllowedException';

export interface OutboundCallLogEntry {
  readonly at: string;
  readonly destination: string;
  readonly contactFlowId: string;
  readonly clientToken?: string;
  readonly contactId?: string;
  readonly result: OutboundRequestResult;
  readonly message?: string;
  /** Live calls right after this request was handled. */
  readonly activeCallsAfter: number;
  /** How the call ended, filled in when it does. */
  disconnectReason?: string;
  endedAt?: string;
}

export interface ConnectStats {
  readonly activeCalls: number;
  /** The most live calls there ever were at once. */
  readonly peakActiveCalls: number;
  readonly limits: ConnectLimits;
  readonly outboundStarted: number;
  readonly throttled: number;
  readonly limitExceeded: number;
}

export interface ConnectEmulatorOptions {
  readonly clock: Clock;
  /**
   * Append one JSON line per outbound call that rang (time, number, contact, the call job and attempt it
   * carries), written before the API answers: the record of who was rung survives a crash of the runtime.
   */
  readonly callJournalFile?: string;
  /**
   * Where ended calls, the outbound request log, contact events and callback requests are kept (SQLite);
   * in memory when absent (compact, but growing with history). With a file, memory holds only live calls.
   */
  readonly archiveFile?: string;
  readonly invokeLambda: LambdaInvoker;
  readonly emitContactEvent?: (event: ContactEvent) => void | Promise<void>;
  readonly onCallbackRequested?: (request: CallbackRequest) => void | Promise<void>;
  readonly region?: string;
  readonly accountId?: string;
  readonly instanceId?: string;
  /** The number inbound calls dial; default +15550100100. */
  readonly hotlineNumber?: string;
  readonly flows?: Readonly<Record<string, FlowDocument>>;
  /** The flow that answers the hotline number. */
  readonly inboundContactFlowId?: string;
  readonly queues?: Readonly<Record<string, QueueConfig>>;
  readonly hoursOfOperation?: Readonly<Record<string, HoursOfOperationConfig>>;
  readonly limits?: Partial<ConnectLimits>;
  /** When given, registered flows may only invoke these Lambda ARNs. */
  readonly knownLambdaArns?: readonly string[];
  /** How an outbound destination behaves unless set per number; default `manual`. */
  readonly defaultNumberBehaviour?: NumberBehaviour;
  /** DestinationNotAllowedException (and CallbackNumberNotDialable) for numbers this refuses. */
  readonly isDestinationAllowed?: (e164: string) => boolean;
  /** Emit COMPLETED right after DISCONNECTED, as Connect does for contacts without after-contact work; default true. */
  readonly emitCompletedEvents?: boolean;
  /** Process due work (answering, busy) right after an outbound request instead of waiting for `tick()`; default true. */
  readonly autoTick?: boolean;
  readonly log?: (message: string) => void;
  /** Customer Profiles search for GetCustomerProfile (every match); absent: the instance has none enabled. */
  readonly customerProfiles?: FlowSessionHost['customerProfiles'];
  /** The Lex V2 runtime ConnectParticipantWithLexBot talks to; without it such a block is refused. */
  readonly lex?: LexRuntime;
  /** A JSON file the instance's resources (flows, queues, numbers, ...) are kept in across restarts. */
  readonly stateFile?: string;
}

/** Bad use of the emulator's own (non-AWS) surface, e.g. dialing from a malformed number. */
export class PhoneSimulatorError extends Error {
  constructor(
    /** INVALID_INPUT (400), NOT_FOUND (404) or CONFLICT (409), as the API's error body names them. */
    readonly code: 'INVALID_INPUT' | 'NOT_FOUND' | 'CONFLICT',
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'PhoneSimulatorError';
  }
}

// ---------------------------------------------------------------------------

export interface CallRecord {
  readonly id: string;
  /** Order of creation, across restarts: the phone simulator lists calls newest first by it. */
  readonly seq: number;
  clientToken?: string;
  readonly direction: CallDirection;
  readonly from: string;
  readonly to: string;
  readonly customerAddress: string;
  readonly systemAddress: string;
  readonly initiationMethod: ConnectContactFlowInitiationMethod;
  readonly contactFlowId: string;
  readonly initiatedAt: Date;
  readonly transcript: TranscriptLine[];
  initialAttributes: Readonly<Record<string, string>>;
  state: PhoneCallState;
  live: boolean;
  connectedAt?: Date;
  endedAt?: Date;
  disconnectReason?: string;
  session?: ContactFlowSession;
  behaviour?: NumberBehaviour;
  answerDueAt?: Date;
  dialDeadline?: Date;
  queue?: { ref: QueueRef; enqueuedAt: Date };
  agent?: { userId: string; username: string; arn: string; connectedAt: Date };
  /** A Lex block is listening: what the caller says next goes to the bot. */
  listening?: {
    readonly request: LexBotRequest;
    readonly resolve: (result: LexBotResult) => void;
    readonly reject: (error: Error) => void;
    deadline: Date;
    turns: number;
  };
  logEntry?: OutboundCallLogEntry;
  logSeq?: number;
  lastUpdate: Date;
}

/** How a contact ended: the flow's reasons, or the agent hanging up. */
export type EndReason = DisconnectReason | 'AGENT_DISCONNECT';

export interface RegisteredQueue {
  readonly ref: QueueRef;
  readonly config: QueueConfig;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function eventTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
