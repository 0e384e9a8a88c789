/**
 * The hotline's inbound contact flow: screen the caller, greet them, then the menu
 *   1 file a complaint, 2 status of a complaint, 3 report an emergency, 4 speak to an agent, 9 repeat.
 * Silence is met with "your call is connected, please press a key" twice, about 3 s apart, then a
 * polite goodbye; wrong keys get two more tries. Every failure of a Lambda, a queue or the hours
 * check leads somewhere the caller is told what happens next; the flow never hangs up owing an answer.
 */
import {
  choicesPrompt,
  MAIN_MENU_KEYS,
  PHONE_CATEGORY_CHOICES,
  PHONE_SEVERITY_CHOICES,
  severityPrompt,
} from '#shared/domain/caller-keypad';
import { type HoursOfOperationData, hoursOfOperation } from './contact-center.ts';
import type { FlowContext } from './flow-context.ts';
import { INCIDENT_STEPS_START, incidentNoticeSteps } from './inbound-incident.ts';
import { FlowBuilder } from './lib/builder.ts';
import type { FlowDocument } from './lib/flow-language.ts';

/** Catalog ids of the phone Lambdas this flow invokes (functions/catalog.ts). */
export const INBOUND_FLOW_FUNCTIONS = {
  callerLookup: 'PhoneCallerLookup',
  fileComplaint: 'PhoneFileComplaint',
  emergency: 'PhoneEmergency',
  complaintStatus: 'PhoneComplaintStatus',
  requestCallback: 'PhoneRequestCallback',
} as const;

export const PROMPTS = {
  welcome: 'Welcome to the complaint hotline of your gas and water utility.',
  mainMenu:
    'Press 1 to file a complaint. Press 2 to hear the status of a complaint. ' +
    'Press 3 to report an emergency, such as a smell of gas or a burst water main. ' +
    'Press 4 to speak to an agent. Press 9 to hear this menu again.',
  nudge: 'Your call is connected, please press a key.',
  wrongKey: 'Sorry, that key is not one of the choices.',
  silenceGoodbye: 'We cannot hear you, so we will end this call. Thank you for calling; please call again.',
  wrongKeysGoodbye:
    'Sorry, we could not match your choice. Thank you for calling; please call again, or press 4 at the menu for an agent.',
  blockedEmergencyOffer: 'If you are reporting an emergency such as a smell of gas, press 3 now.',
  blocked: 'This line cannot take your call. Please hold.',
  blockedGoodbye: 'Nobody can take your call now. Goodbye.',
  statusAsk: 'Please type the complaint number, then press the hash key.',
  statusAskAgain: 'Please type the complaint number again, then press the hash key.',
  statusDigits:
    'For your protection, please type the last four digits of the phone number on the complaint, then press the hash key.',
  statusGiveUp: 'We could not find that complaint. An agent can help you with it; press 4 at the menu.',
  emergencyAdvice:
    'If you smell gas, leave the building now, do not use light switches or open flames, ' +
    'and call the emergency services if anyone is in danger. We are recording your emergency.',
  emergencyConnect: 'Connecting you to our emergency desk now.',
  emergencyNoCallback:
    'We could not reach our emergency desk. Please call again at once, and call the emergency services if anyone is in danger.',
  agentOffer:
    'Press 1 to wait for the next free agent, or press 2 to be called back instead. To wait, stay on the line.',
  agentConnect: 'Please hold; the next free agent will take your call.',
  agentFull: 'All our agents are busy and the queue is full.',
  callbackFailed: 'Sorry, we could not book a call back right now. Please call us again later.',
  trouble: 'We are sorry: our system cannot complete that right now. Let me put you through to an agent.',
  troubleClosed:
    'Nobody can take your call at the moment; please call again later. If you smell gas, leave the building and call the emergency services.',
  thanks: 'Thank you for your call.',
  anythingElse: 'Is there anything else? Press 9 to hear the menu again.',
  anythingElseAgain: 'Is there anything else?',
  goodbye: 'Goodbye.',
} as const;

/** "weekdays from 08:00 to 18:00, and Saturday from 09:00 to 13:00", from the desk's hours. */
export function describeOpeningHours(hours: HoursOfOperationData): string {
  const byTimes = new Map<string, string[]>();
  for (const o of hours.weekly) {
    const times = `from ${o.start} to ${o.end}`;
    byTimes.set(times, [...(byTimes.get(times) ?? []), o.day]);
  }
  const weekdays = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY'];
  const parts = [...byTimes.entries()].map(([times, days]) => {
    const named =
      weekdays.every((d) => days.includes(d)) && days.length === 5
        ? 'weekdays'
        : days.map((d) => d.charAt(0) + d.slice(1).toLowerCase()).join(', ');
    return `${named} ${times}`;
  });
  return parts.join(', and ');
}

interface AskKeyOptions {
  readonly prompt: string;
  readonly keys: Readonly<Record<string, string>>;
  /** Seconds for the first answer; nudges wait about 3 s. */
  readonly timeoutSeconds?: number;
  readonly onSilence?: string;
  readonly onWrongKeys?: string;
}

const NUDGE_SECONDS = 3;

/**
 * A question answered by one key, asked up to three times: after silence with the nudge (about 3 s
 * apart), after a wrong key with an apology and the question again; then `onSilence` / `onWrongKeys`.
 */
function askKey(flow: FlowBuilder, id: string, options: AskKeyOptions): void {
  const onSilence = options.onSilence ?? 'silence-goodbye';
  const onWrongKeys = options.onWrongKeys ?? 'wrong-keys-goodbye';
  const attempt = (n: number, reason: 'silent' | 'wrong') => `${id}-${reason}${n}`;
  const ask = (actionId: string, prompt: string, seconds: number, n: number) =>
    flow.menu(actionId, {
      prompt,
      keys: options.keys,
      timeoutSeconds: seconds,
      onTimeout: n < 3 ? attempt(n + 1, 'silent') : onSilence,
      onWrongKey: n < 3 ? attempt(n + 1, 'wrong') : onWrongKeys,
    });
  ask(id, options.prompt, options.timeoutSeconds ?? 5, 1);
  for (const n of [2, 3]) {
    ask(attempt(n, 'silent'), PROMPTS.nudge, NUDGE_SECONDS, n);
    ask(attempt(n, 'wrong'), `${PROMPTS.wrongKey} ${options.prompt}`, options.timeoutSeconds ?? 5, n);
  }
}

/** A callback booked through the dialer, then its confirmation or an apology; both end at `next`. */
function bookCallback(
  flow: FlowBuilder,
  ctx: FlowContext,
  id: string,
  options: {
    readonly reason: 'caller_request' | 'after_hours' | 'emergency_overflow';
    readonly priority: 'emergency' | 'callback';
    readonly next: string;
    readonly onFailure: string;
  },
): void {
  flow.invokeLambda(id, {
    functionArn: ctx.lambdaArn(INBOUND_FLOW_FUNCTIONS.requestCallback),
    params: { reason: options.reason, priority: options.priority, ticketNumber: '$.Attributes.ticketNumber' },
    next: `${id}-check`,
    onError: options.onFailure,
  });
  flow.compare(`${id}-check`, '$.External.outcome', { booked: `${id}-booked` }, options.onFailure);
  flow.say(`${id}-booked`, '$.External.message').then(`${id}-remember`);
  flow.setAttributes(`${id}-remember`, { callbackJobId: '$.External.jobId' }, { next: options.next });
}

/** The inbound flow, rendered and validated against the functions the context names. */
export function inboundFlow(ctx: FlowContext): FlowDocument {
  const flow = new FlowBuilder({
    name: 'inbound',
    description: 'Complaint hotline: screening, menu, complaints, status, emergencies, agents and callbacks',
  });
  const fn = (id: keyof typeof INBOUND_FLOW_FUNCTIONS) => ctx.lambdaArn(INBOUND_FLOW_FUNCTIONS[id]);

  // --- screening and greeting -------------------------------------------------------------------
  // --- incident first: during an outage the notice comes at once (greeted), then the usual start ----
  flow.start(INCIDENT_STEPS_START);
  incidentNoticeSteps(flow, ctx, { welcome: PROMPTS.welcome, next: 'caller-lookup' });

  // A failed lookup must not keep anyone off the line: the caller is then treated as unknown.
  flow.invokeLambda('caller-lookup', {
    functionArn: fn('callerLookup'),
    timeoutSeconds: 4,
    next: 'caller-screened',
    onError: 'welcome-check',
  });
  flow.compare('caller-screened', '$.External.outcome', { ok: 'caller-remember' }, 'welcome-check');
  flow.setAttributes(
    'caller-remember',
    {
      callerKnown: '$.External.known',
      repeatCaller: '$.External.repeatCaller',
      openComplaints: '$.External.openComplaints',
    },
    { next: 'check-blocked' },
  );
  flow.compare('check-blocked', '$.External.blocked', { true: 'blocked-emergency-offer' }, 'welcome-check');
  // Callers who heard an incident notice were welcomed with it.
  flow.compare('welcome-check', '$.Attributes.welcomed', { true: 'check-known' }, 'welcome');
  flow.say('welcome', PROMPTS.welcome).then('check-known');
  flow.compare('check-known', '$.Attributes.callerKnown', { true: 'greet-known' }, 'main-menu');
  flow.say('greet-known', '$.External.greeting').then('main-menu');

  // --- block list: public safety first (an emergency key), else a short fixed message and a queue apart ---
  flow.menu('blocked-emergency-offer', {
    prompt: PROMPTS.blockedEmergencyOffer,
    keys: { [MAIN_MENU_KEYS.emergency]: 'emergency-advice' },
    timeoutSeconds: 5,
    onTimeout: 'blocked-message',
    onWrongKey: 'blocked-message',
  });
  flow.say('blocked-message', PROMPTS.blocked).then('blocked-queue');
  flow.setQueue('blocked-queue', ctx.queueArn('blocked'), {
    next: 'blocked-transfer',
    onError: 'blocked-bye',
  });
  flow.transferToQueue('blocked-transfer', { atCapacity: 'blocked-bye', onError: 'blocked-bye' });
  flow.say('blocked-bye', PROMPTS.blockedGoodbye).then('hangup');

  // --- the menu -----------------------------------------------------------------------------------
  askKey(flow, 'main-menu', {
    prompt: PROMPTS.mainMenu,
    keys: {
      [MAIN_MENU_KEYS.fileComplaint]: 'file-category',
      [MAIN_MENU_KEYS.complaintStatus]: 'status-ask',
      [MAIN_MENU_KEYS.emergency]: 'emergency-advice',
      [MAIN_MENU_KEYS.agent]: 'agent-queue',
      [MAIN_MENU_KEYS.repeatMenu]: 'main-menu',
    },
  });

  // --- 1: file a complaint --------------------------------------------------------------------------
  askKey(flow, 'file-category', {
    prompt: `What is your complaint about? ${choicesPrompt(PHONE_CATEGORY_CHOICES)}`,
    keys: Object.fromEntries(PHONE_CATEGORY_CHOICES.map((c) => [c.key, `file-category-${c.key}`])),
  });
  for (const choice of PHONE_CATEGORY_CHOICES) {
    flow.setAttributes(
      `file-category-${choice.key}`,
      { complaintCategory: choice.value },
      { next: 'file-severity' },
    );
  }
  askKey(flow, 'file-severity', {
    prompt: `How serious is it? ${severityPrompt(PHONE_SEVERITY_CHOICES)}`,
    keys: Object.fromEntries(PHONE_SEVERITY_CHOICES.map((c) => [c.key, `file-severity-${c.key}`])),
  });
  for (const choice of PHONE_SEVERITY_CHOICES) {
    flow.setAttributes(
      `file-severity-${choice.key}`,
      { complaintSeverity: choice.value },
      { next: 'file-create' },
    );
  }
  flow.invokeLambda('file-create', {
    functionArn: fn('fileComplaint'),
    params: { category: '$.Attributes.complaintCategory', severity: '$.Attributes.complaintSeverity' },
    next: 'file-check',
    onError: 'trouble',
  });
  flow.compare('file-check', '$.External.outcome', { created: 'file-remember' }, 'trouble');
  flow.setAttributes('file-remember', { ticketNumber: '$.External.ticketNumber' }, { next: 'file-confirm' });
  flow.say('file-confirm', '$.External.message').then('closing');

  // --- 2: status by number, three tries -------------------------------------------------------------
  const statusTry = (n: number, reason: 'first' | 'silent' | 'again') =>
    reason === 'first' ? 'status-ask' : `status-ask-${reason}${n}`;
  const askNumber = (n: number, reason: 'first' | 'silent' | 'again') => {
    const prompt =
      reason === 'first'
        ? PROMPTS.statusAsk
        : reason === 'silent'
          ? `${PROMPTS.nudge} ${PROMPTS.statusAsk}`
          : PROMPTS.statusAskAgain;
    flow.getDigits(statusTry(n, reason), {
      prompt,
      maxDigits: 12,
      timeoutSeconds: reason === 'silent' ? NUDGE_SECONDS : 8,
      interdigitSeconds: 5,
      onTimeout: n < 3 ? statusTry(n + 1, 'silent') : 'silence-goodbye',
      next: `status-try${n}`,
      onError: 'trouble',
    });
  };
  askNumber(1, 'first');
  for (const n of [2, 3]) {
    askNumber(n, 'silent');
    askNumber(n, 'again');
  }
  for (const n of [1, 2, 3]) {
    flow.setAttributes(
      `status-try${n}`,
      { statusTry: String(n), statusNumber: '$.StoredCustomerInput' },
      { next: 'status-lookup' },
    );
  }
  flow.invokeLambda('status-lookup', {
    functionArn: fn('complaintStatus'),
    params: { number: '$.Attributes.statusNumber' },
    next: 'status-result',
    onError: 'trouble',
  });
  flow.compare(
    'status-result',
    '$.External.outcome',
    {
      found: 'status-found',
      ask_digits: 'status-digits',
      locked: 'status-locked',
      bad_check_digit: 'status-retry',
      not_found: 'status-retry',
      no_number: 'status-retry',
    },
    'trouble',
  );
  // The second factor, as on the web: the last four digits of the complaint's phone number.
  flow.getDigits('status-digits', {
    prompt: PROMPTS.statusDigits,
    maxDigits: 4,
    timeoutSeconds: 8,
    interdigitSeconds: 5,
    onTimeout: 'status-digits-again',
    next: 'status-digits-check',
    onError: 'trouble',
  });
  flow.getDigits('status-digits-again', {
    prompt: `${PROMPTS.nudge} ${PROMPTS.statusDigits}`,
    maxDigits: 4,
    timeoutSeconds: NUDGE_SECONDS + 5,
    interdigitSeconds: 5,
    onTimeout: 'silence-goodbye',
    next: 'status-digits-check',
    onError: 'trouble',
  });
  flow.invokeLambda('status-digits-check', {
    functionArn: fn('complaintStatus'),
    params: { number: '$.Attributes.statusNumber', phoneLast4: '$.StoredCustomerInput' },
    next: 'status-result',
    onError: 'trouble',
  });
  flow.say('status-locked', '$.External.message').then('closing');
  flow.say('status-found', '$.External.message').then('closing');
  flow.say('status-retry', '$.External.message').then('status-which-try');
  flow.compare(
    'status-which-try',
    '$.Attributes.statusTry',
    { '1': statusTry(2, 'again'), '2': statusTry(3, 'again') },
    'status-give-up',
  );
  flow.say('status-give-up', PROMPTS.statusGiveUp).then('closing');

  // --- 3: emergency: recorded, then straight to the emergency queue, else a priority callback ---
  flow.say('emergency-advice', PROMPTS.emergencyAdvice).then('emergency-create');
  // Without a ticket the caller still goes to the emergency desk: the call matters more.
  flow.invokeLambda('emergency-create', {
    functionArn: fn('emergency'),
    next: 'emergency-check',
    onError: 'emergency-queue',
  });
  flow.compare('emergency-check', '$.External.outcome', { created: 'emergency-remember' }, 'emergency-queue');
  flow.setAttributes(
    'emergency-remember',
    { ticketNumber: '$.External.ticketNumber', emergency: 'true' },
    { next: 'emergency-confirm' },
  );
  flow.say('emergency-confirm', '$.External.message').then('emergency-queue');
  flow.setQueue('emergency-queue', ctx.queueArn('emergency'), {
    next: 'emergency-hours',
    onError: 'emergency-callback',
  });
  flow.checkHours('emergency-hours', {
    open: 'emergency-connect',
    closed: 'emergency-callback',
    onError: 'emergency-callback',
  });
  flow.say('emergency-connect', PROMPTS.emergencyConnect).then('emergency-transfer');
  flow.transferToQueue('emergency-transfer', {
    atCapacity: 'emergency-callback',
    onError: 'emergency-callback',
  });
  bookCallback(flow, ctx, 'emergency-callback', {
    reason: 'emergency_overflow',
    priority: 'emergency',
    next: 'closing',
    onFailure: 'emergency-no-callback',
  });
  flow.say('emergency-no-callback', PROMPTS.emergencyNoCallback).then('closing');

  // --- 4: an agent during hours (or a callback instead of waiting); after hours a callback ---
  flow.setQueue('agent-queue', ctx.queueArn('general'), { next: 'agent-hours', onError: 'trouble' });
  flow.checkHours('agent-hours', { open: 'agent-offer', closed: 'agent-closed', onError: 'agent-closed' });
  // Staying on the line (or pressing another key) means waiting: they asked for an agent.
  flow.menu('agent-offer', {
    prompt: PROMPTS.agentOffer,
    keys: { '1': 'agent-connect', '2': 'agent-callback' },
    onTimeout: 'agent-connect',
    onWrongKey: 'agent-connect',
  });
  flow.say('agent-connect', PROMPTS.agentConnect).then('agent-transfer');
  flow.transferToQueue('agent-transfer', { atCapacity: 'agent-full', onError: 'agent-full' });
  flow.say('agent-full', PROMPTS.agentFull).then('agent-callback');
  bookCallback(flow, ctx, 'agent-callback', {
    reason: 'caller_request',
    priority: 'callback',
    next: 'closing',
    onFailure: 'callback-failed',
  });
  flow
    .say(
      'agent-closed',
      `Our agents are available ${describeOpeningHours(hoursOfOperation.desk)}. We will call you back.`,
    )
    .then('after-hours-callback');
  bookCallback(flow, ctx, 'after-hours-callback', {
    reason: 'after_hours',
    priority: 'callback',
    next: 'closing',
    onFailure: 'callback-failed',
  });
  flow.say('callback-failed', PROMPTS.callbackFailed).then('closing');

  // --- a Lambda failed: an agent if one can be reached, else an apology ---------------------------
  flow.say('trouble', PROMPTS.trouble).then('trouble-queue');
  flow.setQueue('trouble-queue', ctx.queueArn('general'), {
    next: 'trouble-hours',
    onError: 'trouble-closed',
  });
  flow.checkHours('trouble-hours', {
    open: 'trouble-transfer',
    closed: 'trouble-closed',
    onError: 'trouble-closed',
  });
  flow.transferToQueue('trouble-transfer', { atCapacity: 'trouble-closed', onError: 'trouble-closed' });
  flow.say('trouble-closed', PROMPTS.troubleClosed).then('closing');

  // --- closing: thanks, "anything else?" twice about 3 s apart, then hang up ----------------------
  flow.say('closing', PROMPTS.thanks).then('anything-else');
  flow.menu('anything-else', {
    prompt: PROMPTS.anythingElse,
    keys: { [MAIN_MENU_KEYS.repeatMenu]: 'main-menu' },
    timeoutSeconds: NUDGE_SECONDS,
    onTimeout: 'anything-else-again',
    onWrongKey: 'main-menu',
  });
  flow.menu('anything-else-again', {
    prompt: PROMPTS.anythingElseAgain,
    keys: { [MAIN_MENU_KEYS.repeatMenu]: 'main-menu' },
    timeoutSeconds: NUDGE_SECONDS,
    onTimeout: 'goodbye',
    onWrongKey: 'main-menu',
  });
  flow.say('goodbye', PROMPTS.goodbye).then('hangup');
  flow.say('silence-goodbye', PROMPTS.silenceGoodbye).then('goodbye');
  flow.say('wrong-keys-goodbye', PROMPTS.wrongKeysGoodbye).then('goodbye');
  flow.disconnect('hangup');

  return flow.render();
}
