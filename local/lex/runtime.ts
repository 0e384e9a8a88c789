/**
 * A local Amazon Lex V2 runtime: the bots of infra/lex/ answer RecognizeText, GetSession, PutSession and
 * DeleteSession as Lex does, without AWS. Intents and slots come from the same data CDK deploys; what the
 * caller means is guessed by local/lex/nlu.ts. A conversation is kept per session id until it has been
 * idle for the bot's IdleSessionTTLInSeconds on the injected clock; sessions are bounded in number too.
 * Dialog, as Lex runs a bot without code hooks: a missing required slot is elicited with its prompt
 * (re-prompted up to its maxRetries, then the intent fails); a complete intent closes ReadyForFulfillment.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { BotDefinition, IntentDefinition, SlotDefinition } from '#infra/lex/hotline-bot';
import type { Clock } from '#shared/ports/clock';
import { resourceNotFound, validationError } from './api-error.ts';
import {
  type CompiledLocale,
  compileLocale,
  fillSlot,
  type IntentCandidate,
  rankIntents,
  type SlotMatch,
} from './nlu.ts';
import type {
  DeleteSessionResponse,
  GetSessionResponse,
  IntentState,
  LexDialogAction,
  LexIntent,
  LexInterpretation,
  LexMessage,
  LexSessionState,
  LexSessionStateInput,
  LexSlot,
  RecognizeTextResponse,
} from './types.ts';

export interface LexBotRegistration {
  /** 10 letters or digits, as Lex's bot ids. */
  readonly botId: string;
  readonly botAliasId: string;
  /** The one locale the alias enables; every locale of the definition when absent. */
  readonly localeId?: string;
  readonly definition: BotDefinition;
}

export interface LexRuntimeOptions {
  readonly bots: readonly LexBotRegistration[];
  readonly clock: Clock;
  /** For alias ARNs; Connect's emulator defaults alike. */
  readonly region?: string;
  readonly accountId?: string;
  /** Conversations kept at most; the longest idle is forgotten first. */
  readonly maxSessions?: number;
}

/** A bot alias and locale: by alias ARN (the flows' `LexV2Bot.AliasArn`) or by ids. */
export type LexBotTarget =
  | string
  | { readonly botAliasArn: string; readonly localeId?: string }
  | { readonly botId: string; readonly botAliasId: string; readonly localeId?: string };

export interface RecognizeOptions {
  /** Replaces the session's attributes, as a request's `sessionState.sessionAttributes` does. */
  readonly sessionAttributes?: Readonly<Record<string, string>>;
  readonly sessionState?: LexSessionStateInput;
  readonly requestAttributes?: Readonly<Record<string, string>>;
}

export interface RecognizeTextRequest {
  readonly botId: string;
  readonly botAliasId: string;
  readonly localeId: string;
  readonly sessionId: string;
  readonly text: unknown;
  readonly sessionState?: unknown;
  readonly requestAttributes?: unknown;
}

export interface PutSessionRequest {
  readonly botId: string;
  readonly botAliasId: string;
  readonly localeId: string;
  readonly sessionId: string;
  readonly sessionState: unknown;
  readonly messages?: unknown;
  readonly requestAttributes?: unknown;
}

export interface SessionAddress {
  readonly botId: string;
  readonly botAliasId: string;
  readonly localeId: string;
  readonly sessionId: string;
}

export interface PutSessionResult {
  readonly sessionId: string;
  readonly sessionState: LexSessionState;
  readonly messages: readonly LexMessage[];
  readonly requestAttributes?: Readonly<Record<string, string>>;
}

export interface LexRuntime {
  readonly region: string;
  readonly accountId: string;
  /** `arn:aws:lex:<region>:<account>:bot-alias/<botId>/<botAliasId>` of a registered alias. */
  botAliasArn(botId: string, botAliasId: string): string;
  /** One turn of a conversation, in process: what the contact-flow interpreter calls. Throws LexApiError. */
  recognize(
    target: LexBotTarget,
    sessionId: string,
    text: string,
    options?: RecognizeOptions,
  ): RecognizeTextResponse;
  recognizeText(request: RecognizeTextRequest): RecognizeTextResponse;
  getSession(address: SessionAddress): GetSessionResponse;
  putSession(request: PutSessionRequest): PutSessionResult;
  deleteSession(address: SessionAddress): DeleteSessionResponse;
  /** Conversations held now (expired ones are dropped as requests come). */
  sessionCount(): number;
}

const BOT_ID = /^[0-9a-zA-Z]{10}$/;
const SESSION_ID = /^[0-9a-zA-Z._:-]{2,100}$/;
const DEFAULT_MAX_SESSIONS = 10_000;

const stringMap = z.record(z.string().min(1), z.string());
const valueInput = z.object({
  originalValue: z.string().optional(),
  interpretedValue: z.string().min(1),
  resolvedValues: z.array(z.string()).optional(),
});
const sessionStateInput = z.object({
  dialogAction: z
    .object({
      type: z.enum(['Close', 'ConfirmIntent', 'Delegate', 'ElicitIntent', 'ElicitSlot', 'None']),
      slotToElicit: z.string().min(1).optional(),
    })
    .optional(),
  intent: z
    .object({
      name: z.string().min(1),
      slots: z.record(z.string(), z.object({ value: valueInput.optional() }).nullable()).optional(),
      state: z
        .enum([
          'Failed',
          'Fulfilled',
          'InProgress',
          'ReadyForFulfillment',
          'Waiting',
          'FulfillmentInProgress',
        ])
        .optional(),
      confirmationState: z.enum(['Confirmed', 'Denied', 'None']).optional(),
    })
    .optional(),
  sessionAttributes: stringMap.optional(),
  activeContexts: z.array(z.unknown()).optional(),
  originatingRequestId: z.string().optional(),
  runtimeHints: z.unknown().optional(),
});
const messagesInput = z
  .array(
    z.object({
      content: z.string().min(1).max(1000),
      contentType: z.enum(['CustomPayload', 'ImageResponseCard', 'PlainText', 'SSML']),
    }),
  )
  .max(10);

/** Lex's wording: `1 validation error detected: Value at 'text' failed to satisfy constraint: ...`. */
function parseOrReject<T>(schema: z.ZodType<T>, value: unknown, field: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const path = [field, ...issue.path.map(String)].filter(Boolean).join('.');
    return `Value at '${path}' failed to satisfy constraint: ${issue.message}`;
  });
  throw validationError(
    `${problems.length} validation error${problems.length === 1 ? '' : 's'} detected: ${problems.join('; ')}`,
  );
}

interface ActiveIntent {
  readonly definition: IntentDefinition;
  readonly slots: Map<string, SlotMatch>;
  state: IntentState;
}

interface Session {
  readonly key: string;
  readonly sessionId: string;
  readonly alias: RegisteredAlias;
  readonly locale: CompiledLocale;
  intent?: ActiveIntent;
  dialogAction?: LexDialogAction;
  /** Prompts of the slot being elicited that went unanswered. */
  retries: number;
  sessionAttributes: Record<string, string>;
  messages: readonly LexMessage[];
  interpretations: readonly LexInterpretation[];
  lastActiveMs: number;
}

interface RegisteredAlias {
  readonly botId: string;
  readonly botAliasId: string;
  readonly definition: BotDefinition;
  readonly locales: ReadonlyMap<string, CompiledLocale>;
  readonly ttlMs: number;
}

export function createLexRuntime(options: LexRuntimeOptions): LexRuntime {
  const region = options.region ?? 'eu-west-1';
  const accountId = options.accountId ?? '000000000000';
  const maxSessions = options.maxSessions ?? DEFAULT_MAX_SESSIONS;
  const { clock } = options;

  const aliases = new Map<string, RegisteredAlias>();
  for (const bot of options.bots) {
    if (!BOT_ID.test(bot.botId)) throw new Error(`Lex bot id must be 10 letters or digits: ${bot.botId}`);
    const enabled = bot.definition.locales.filter(
      (l) => bot.localeId === undefined || l.localeId === bot.localeId,
    );
    if (enabled.length === 0) throw new Error(`Bot ${bot.definition.name} has no locale ${bot.localeId}`);
    aliases.set(`${bot.botId}/${bot.botAliasId}`, {
      botId: bot.botId,
      botAliasId: bot.botAliasId,
      definition: bot.definition,
      locales: new Map(enabled.map((locale) => [locale.localeId, compileLocale(locale)])),
      ttlMs: bot.definition.idleSessionTtlSeconds * 1000,
    });
  }
  const shortestTtlMs = Math.min(...[...aliases.values()].map((a) => a.ttlMs));

  /** In order of last activity, the longest idle first. */
  const sessions = new Map<string, Session>();

  function sweep(nowMs: number): void {
    for (const session of sessions.values()) {
      if (nowMs - session.lastActiveMs >= session.alias.ttlMs) sessions.delete(session.key);
      // Every later session was active more recently, so none of them has been idle even the shortest TTL.
      else if (nowMs - session.lastActiveMs < shortestTtlMs) break;
    }
  }

  function locate(botId: string, botAliasId: string, localeId: string) {
    if (!BOT_ID.test(botId)) {
      throw validationError(
        `1 validation error detected: Value '${botId}' at 'botId' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[0-9a-zA-Z]+$ and have length 10`,
      );
    }
    if (!localeId)
      throw validationError("1 validation error detected: Value at 'localeId' must not be empty");
    const alias = aliases.get(`${botId}/${botAliasId}`);
    if (!alias) throw resourceNotFound(`Could not find bot alias ${botAliasId} of bot ${botId}`);
    const locale = alias.locales.get(localeId);
    if (!locale)
      throw resourceNotFound(`Locale ${localeId} is not enabled for bot alias ${botAliasId} of bot ${botId}`);
    return { alias, locale };
  }

  function checkSessionId(sessionId: string): void {
    if (!SESSION_ID.test(sessionId)) {
      throw validationError(
        `1 validation error detected: Value '${sessionId}' at 'sessionId' failed to satisfy constraint: Member must satisfy regular expression pattern: [0-9a-zA-Z._:-]+ and have length between 2 and 100`,
      );
    }
  }

  const keyOf = (a: SessionAddress) => `${a.botId}/${a.botAliasId}/${a.localeId}/${a.sessionId}`;

  function existing(address: SessionAddress): Session | undefined {
    const now = clock.now().getTime();
    sweep(now);
    return sessions.get(keyOf(address));
  }

  function openSession(address: SessionAddress, alias: RegisteredAlias, locale: CompiledLocale): Session {
    const found = existing(address);
    if (found) return found;
    const session: Session = {
      key: keyOf(address),
      sessionId: address.sessionId,
      alias,
      locale,
      retries: 0,
      sessionAttributes: {},
      messages: [],
      interpretations: [],
      lastActiveMs: clock.now().getTime(),
    };
    return session;
  }

  /** Stores the session as the most recently active, forgetting the longest idle beyond the bound. */
  function touch(session: Session): void {
    session.lastActiveMs = clock.now().getTime();
    sessions.delete(session.key);
    sessions.set(session.key, session);
    while (sessions.size > maxSessions) {
      const oldest = sessions.keys().next().value;
      if (oldest === undefined) break;
      sessions.delete(oldest);
    }
  }

  function intentView(
    definition: IntentDefinition,
    slots: ReadonlyMap<string, SlotMatch>,
    state: IntentState,
  ): LexIntent {
    const view: Record<string, LexSlot | null> = {};
    for (const slot of definition.slots) {
      const found = slots.get(slot.name);
      view[slot.name] = found
        ? {
            value: {
              originalValue: found.originalValue,
              interpretedValue: found.interpretedValue,
              resolvedValues: [...found.resolvedValues],
            },
            shape: 'Scalar',
          }
        : null;
    }
    return { name: definition.name, slots: view, state, confirmationState: 'None' };
  }

  function sessionStateOf(session: Session): LexSessionState {
    return {
      ...(session.dialogAction ? { dialogAction: session.dialogAction } : {}),
      ...(session.intent
        ? { intent: intentView(session.intent.definition, session.intent.slots, session.intent.state) }
        : {}),
      sessionAttributes: { ...session.sessionAttributes },
    };
  }

  /** The slots the request says are filled, kept as Lex would have filled them. */
  function slotsFromInput(
    definition: IntentDefinition,
    input: LexSessionStateInput['intent'],
  ): Map<string, SlotMatch> {
    const slots = new Map<string, SlotMatch>();
    for (const [name, slot] of Object.entries(input?.slots ?? {})) {
      const value = slot?.value;
      if (!value?.interpretedValue || !definition.slots.some((s) => s.name === name)) continue;
      slots.set(name, {
        originalValue: value.originalValue ?? value.interpretedValue,
        interpretedValue: value.interpretedValue,
        resolvedValues: value.resolvedValues ?? [value.interpretedValue],
      });
    }
    return slots;
  }

  function intentNamed(locale: CompiledLocale, name: string): IntentDefinition {
    const intent = locale.definition.intents.find((i) => i.name === name);
    if (!intent)
      throw validationError(`Intent ${name} does not exist in locale ${locale.definition.localeId}`);
    return intent;
  }

  /** A request's sessionState overrides what the session holds, field by field. */
  function applyState(session: Session, input: LexSessionStateInput | undefined): void {
    if (!input) return;
    if (input.sessionAttributes) session.sessionAttributes = { ...input.sessionAttributes };
    if (input.intent) {
      const definition = intentNamed(session.locale, input.intent.name);
      session.intent = {
        definition,
        slots: slotsFromInput(definition, input.intent),
        state: input.intent.state ?? 'InProgress',
      };
    }
    if (input.dialogAction) {
      const action = input.dialogAction;
      if (action.type === 'ElicitSlot') {
        const slot = action.slotToElicit;
        if (!slot || !session.intent?.definition.slots.some((s) => s.name === slot)) {
          throw validationError(`ElicitSlot needs an intent and slotToElicit naming one of its slots`);
        }
      }
      session.dialogAction = {
        type: action.type,
        ...(action.slotToElicit ? { slotToElicit: action.slotToElicit } : {}),
      };
      session.retries = 0;
      if (action.type === 'ElicitIntent' || action.type === 'Close') session.intent = undefined;
    }
  }

  const prompt = (text: string): LexMessage => ({ content: text, contentType: 'PlainText' });

  /** The next step for the active intent: elicit its first missing required slot, or close it. */
  function advance(session: Session): LexMessage[] {
    const intent = session.intent;
    if (!intent) return [];
    const missing = intent.definition.slots.find((slot) => slot.required && !intent.slots.has(slot.name));
    if (missing) {
      intent.state = 'InProgress';
      session.dialogAction = { type: 'ElicitSlot', slotToElicit: missing.name };
      return [prompt(missing.prompt)];
    }
    intent.state = 'ReadyForFulfillment';
    session.dialogAction = { type: 'Close' };
    session.retries = 0;
    return intent.definition.closingMessage ? [prompt(intent.definition.closingMessage)] : [];
  }

  function interpretationsOf(
    locale: CompiledLocale,
    chosen: IntentDefinition,
    chosenView: LexIntent,
    ranked: readonly IntentCandidate[],
    chosenScore: number | undefined,
  ): LexInterpretation[] {
    const fallback = locale.fallbackIntent;
    const fallbackView = fallback ? intentView(fallback, new Map(), 'ReadyForFulfillment') : undefined;
    const first: LexInterpretation = {
      intent: chosenView,
      ...(chosenScore !== undefined ? { nluConfidence: { score: chosenScore } } : {}),
      interpretationSource: 'Lex',
    };
    const others: LexInterpretation[] = ranked
      .filter((candidate) => candidate.intent.name !== chosen.name && candidate.score > 0)
      .map((candidate) => ({
        intent: intentView(candidate.intent, candidate.slots, 'InProgress'),
        nluConfidence: { score: candidate.score },
        interpretationSource: 'Lex' as const,
      }));
    const withFallback =
      fallbackView && chosen.name !== fallback?.name
        ? [...others.slice(0, 3), { intent: fallbackView, interpretationSource: 'Lex' as const }]
        : others.slice(0, 4);
    return [first, ...withFallback];
  }

  /** A fresh intent from what was said: the best above the locale's threshold, else the fallback intent. */
  function recognizeIntent(session: Session, text: string): LexMessage[] {
    const { locale } = session;
    const ranked = rankIntents(locale, text);
    const best = ranked[0];
    session.retries = 0;
    if (best && best.score >= locale.definition.nluConfidenceThreshold) {
      const slots = new Map(best.slots);
      session.intent = { definition: best.intent, slots, state: 'InProgress' };
      const messages = advance(session);
      session.interpretations = interpretationsOf(
        locale,
        best.intent,
        intentView(best.intent, slots, session.intent.state),
        ranked,
        best.score,
      );
      return messages;
    }
    const fallback = locale.fallbackIntent;
    if (!fallback) {
      session.intent = undefined;
      session.dialogAction = { type: 'ElicitIntent' };
      session.interpretations = [];
      return [];
    }
    session.intent = { definition: fallback, slots: new Map(), state: 'ReadyForFulfillment' };
    session.dialogAction = { type: 'Close' };
    session.interpretations = interpretationsOf(
      locale,
      fallback,
      intentView(fallback, new Map(), 'ReadyForFulfillment'),
      ranked,
      undefined,
    );
    return [];
  }

  /** The answer to a slot's prompt: fill it, else switch to an intent said outright, else re-prompt or fail. */
  function answerSlot(
    session: Session,
    intent: ActiveIntent,
    slot: SlotDefinition,
    text: string,
  ): LexMessage[] {
    const found = fillSlot(session.locale, slot, text);
    if (found) {
      intent.slots.set(slot.name, found);
      session.retries = 0;
      const messages = advance(session);
      session.interpretations = [
        {
          intent: intentView(intent.definition, intent.slots, intent.state),
          nluConfidence: { score: 1 },
          interpretationSource: 'Lex',
        },
      ];
      return messages;
    }
    const ranked = rankIntents(session.locale, text);
    const switchTo = ranked[0];
    if (switchTo && switchTo.score === 1 && switchTo.intent.name !== intent.definition.name) {
      return recognizeIntent(session, text);
    }
    session.retries += 1;
    session.interpretations = [
      {
        intent: intentView(intent.definition, intent.slots, 'InProgress'),
        nluConfidence: { score: 1 },
        interpretationSource: 'Lex',
      },
    ];
    if (session.retries > slot.maxRetries) {
      intent.state = 'Failed';
      session.dialogAction = { type: 'Close' };
      session.retries = 0;
      return [];
    }
    intent.state = 'InProgress';
    session.dialogAction = { type: 'ElicitSlot', slotToElicit: slot.name };
    return [prompt(slot.prompt)];
  }

  function turn(session: Session, text: string): LexMessage[] {
    const intent = session.intent;
    const action = session.dialogAction;
    if (intent && action?.type === 'ElicitSlot' && action.slotToElicit) {
      const slot = intent.definition.slots.find((s) => s.name === action.slotToElicit);
      if (slot) return answerSlot(session, intent, slot, text);
    }
    if (intent && action?.type === 'Delegate') {
      for (const slot of intent.definition.slots) {
        if (intent.slots.has(slot.name)) continue;
        const found = fillSlot(session.locale, slot, text);
        if (found) intent.slots.set(slot.name, found);
      }
      const messages = advance(session);
      session.interpretations = [
        {
          intent: intentView(intent.definition, intent.slots, intent.state),
          nluConfidence: { score: 1 },
          interpretationSource: 'Lex',
        },
      ];
      return messages;
    }
    return recognizeIntent(session, text);
  }

  function recognizeText(request: RecognizeTextRequest): RecognizeTextResponse {
    const { alias, locale } = locate(request.botId, request.botAliasId, request.localeId);
    checkSessionId(request.sessionId);
    const text = parseOrReject(z.string().min(1).max(1024), request.text, 'text');
    const sessionState =
      request.sessionState === undefined
        ? undefined
        : parseOrReject(sessionStateInput, request.sessionState, 'sessionState');
    const requestAttributes =
      request.requestAttributes === undefined
        ? undefined
        : parseOrReject(stringMap, request.requestAttributes, 'requestAttributes');
    const session = openSession(request, alias, locale);
    applyState(session, sessionState);
    session.messages = turn(session, text);
    touch(session);
    return {
      messages: session.messages,
      sessionState: { ...sessionStateOf(session), originatingRequestId: randomUUID() },
      interpretations: session.interpretations,
      ...(requestAttributes ? { requestAttributes } : {}),
      sessionId: session.sessionId,
    };
  }

  function parseAliasArn(arn: string): { botId: string; botAliasId: string } {
    const match = /^arn:aws[-a-z]*:lex:[-a-z0-9]*:\d{12}:bot-alias\/([0-9a-zA-Z]+)\/([0-9a-zA-Z]+)$/.exec(
      arn,
    );
    if (!match?.[1] || !match[2]) throw validationError(`Not a Lex V2 bot alias ARN: ${arn}`);
    return { botId: match[1], botAliasId: match[2] };
  }

  function recognize(target: LexBotTarget, sessionId: string, text: string, extra: RecognizeOptions = {}) {
    const ids =
      typeof target === 'string'
        ? parseAliasArn(target)
        : 'botAliasArn' in target
          ? parseAliasArn(target.botAliasArn)
          : { botId: target.botId, botAliasId: target.botAliasId };
    const requested = typeof target === 'string' ? undefined : target.localeId;
    const alias = aliases.get(`${ids.botId}/${ids.botAliasId}`);
    const localeId = requested ?? alias?.locales.keys().next().value ?? 'en_US';
    const sessionState =
      extra.sessionState || extra.sessionAttributes
        ? {
            ...extra.sessionState,
            ...(extra.sessionAttributes ? { sessionAttributes: extra.sessionAttributes } : {}),
          }
        : undefined;
    return recognizeText({
      ...ids,
      localeId,
      sessionId,
      text,
      ...(sessionState ? { sessionState } : {}),
      ...(extra.requestAttributes ? { requestAttributes: extra.requestAttributes } : {}),
    });
  }

  function getSession(address: SessionAddress): GetSessionResponse {
    locate(address.botId, address.botAliasId, address.localeId);
    checkSessionId(address.sessionId);
    const session = existing(address);
    if (!session) throw resourceNotFound(`Session ${address.sessionId} does not exist`);
    return {
      sessionId: session.sessionId,
      messages: session.messages,
      interpretations: session.interpretations,
      sessionState: sessionStateOf(session),
    };
  }

  function putSession(request: PutSessionRequest): PutSessionResult {
    const { alias, locale } = locate(request.botId, request.botAliasId, request.localeId);
    checkSessionId(request.sessionId);
    const sessionState = parseOrReject(sessionStateInput, request.sessionState, 'sessionState');
    const messages =
      request.messages === undefined ? [] : parseOrReject(messagesInput, request.messages, 'messages');
    const requestAttributes =
      request.requestAttributes === undefined
        ? undefined
        : parseOrReject(stringMap, request.requestAttributes, 'requestAttributes');
    const session = openSession(request, alias, locale);
    applyState(session, sessionState);
    session.messages = messages;
    session.interpretations = [];
    touch(session);
    return {
      sessionId: session.sessionId,
      sessionState: sessionStateOf(session),
      messages,
      ...(requestAttributes ? { requestAttributes } : {}),
    };
  }

  function deleteSession(address: SessionAddress): DeleteSessionResponse {
    locate(address.botId, address.botAliasId, address.localeId);
    checkSessionId(address.sessionId);
    const session = existing(address);
    if (!session) throw resourceNotFound(`Session ${address.sessionId} does not exist`);
    sessions.delete(session.key);
    const { botId, botAliasId, localeId, sessionId } = address;
    return { botId, botAliasId, localeId, sessionId };
  }

  return {
    region,
    accountId,
    botAliasArn: (botId, botAliasId) => `arn:aws:lex:${region}:${accountId}:bot-alias/${botId}/${botAliasId}`,
    recognize,
    recognizeText,
    getSession,
    putSession,
    deleteSession,
    sessionCount: () => {
      sweep(clock.now().getTime());
      return sessions.size;
    },
  };
}
