import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type BotDefinition, hotlineBot } from '#infra/lex/hotline-bot';
import { FakeClock } from '#local/connect/testing';
import {
  connectLexTurn,
  createLexRuntime,
  LexApiError,
  type LexRuntime,
  type LexServer,
  LOCAL_HOTLINE_BOT,
  type RecognizeTextResponse,
  startLexServer,
} from '#local/lex/index';

// The Lex runtime client (@aws-sdk/client-lex-runtime-v2) is not a dependency: the wire is spoken with fetch.
const { botId, botAliasId } = LOCAL_HOTLINE_BOT;
const ttlSeconds = hotlineBot.idleSessionTtlSeconds;
const promptOf = (intent: string, slot: string, localeId = 'en_US') =>
  hotlineBot.locales
    .find((l) => l.localeId === localeId)
    ?.intents.find((i) => i.name === intent)
    ?.slots.find((s) => s.name === slot)?.prompt;

let clock: FakeClock;
let runtime: LexRuntime;
let server: LexServer;
let sessionCounter = 0;
const aSessionId = () => `caller-${++sessionCounter}`;

const sessionPath = (sessionId: string, localeId = 'en_US', bot = botId, alias = botAliasId) =>
  `${server.url}/bots/${bot}/botAliases/${alias}/botLocales/${localeId}/sessions/${sessionId}`;

async function recognizeText(sessionId: string, body: unknown, localeId = 'en_US') {
  const response = await fetch(`${sessionPath(sessionId, localeId)}/text`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return {
    status: response.status,
    errorType: response.headers.get('x-amzn-errortype'),
    body: await response.json(),
  };
}

/** A caller's turn over HTTP; fails the test unless Lex answered 200. */
async function say(sessionId: string, text: string, localeId = 'en_US'): Promise<RecognizeTextResponse> {
  const { status, body } = await recognizeText(sessionId, { text }, localeId);
  expect(status, JSON.stringify(body)).toBe(200);
  return body as RecognizeTextResponse;
}

const slotValue = (response: RecognizeTextResponse, slot: string) =>
  response.sessionState.intent?.slots[slot]?.value.interpretedValue;

beforeEach(async () => {
  clock = new FakeClock('2026-03-02T09:00:00.000Z');
  runtime = createLexRuntime({ bots: [LOCAL_HOTLINE_BOT], clock });
  server = await startLexServer({ runtime });
});

afterEach(async () => {
  await server.close();
});

describe('RecognizeText: what a caller says becomes an intent', () => {
  it.each([
    ['FileComplaint', 'I want to make a complaint'],
    ['FileComplaint', "I'd like to complain about my bill"],
    ['FileComplaint', 'I am not happy with your engineer.'],
    ['FileComplaint', 'my bill is wrong'],
    ['CheckStatus', 'What is the status of my complaint?'],
    ['CheckStatus', 'my complaint number is 1 0 0 0 0 2 7'],
    ['CheckStatus', "what's happening with my complaint"],
    ['ReportEmergency', 'I smell gas!'],
    ['ReportEmergency', "there's a power line down on my street"],
    ['ReportEmergency', 'This is an emergency'],
    ['RequestCallback', 'Can you call me back?'],
    ['RequestCallback', "I don't want to wait"],
    ['SpeakToAgent', 'Agent.'],
    ['SpeakToAgent', 'let me talk to someone'],
    ['SpeakToAgent', 'Um, can I talk to somebody, please'],
  ])('%s from "%s"', async (intent, text) => {
    const response = await say(aSessionId(), text);
    expect(response.sessionState.intent?.name).toBe(intent);
    expect(response.interpretations[0]?.intent.name).toBe(intent);
    expect(response.interpretations[0]?.nluConfidence?.score).toBeGreaterThanOrEqual(0.4);
  });

  it('understands Spanish callers in es_US', async () => {
    expect(
      (await say(aSessionId(), 'Tengo una queja sobre mi factura', 'es_US')).sessionState.intent?.name,
    ).toBe('FileComplaint');
    expect((await say(aSessionId(), 'huele a gas', 'es_US')).sessionState.intent?.name).toBe(
      'ReportEmergency',
    );
    expect((await say(aSessionId(), 'quiero hablar con un agente', 'es_US')).sessionState.intent?.name).toBe(
      'SpeakToAgent',
    );
  });

  it('closes a complete intent ReadyForFulfillment, with every slot and the session id', async () => {
    const sessionId = aSessionId();
    const response = await say(sessionId, 'I want to file a complaint about my meter');
    expect(response).toMatchObject({
      sessionId,
      messages: [],
      sessionState: {
        dialogAction: { type: 'Close' },
        intent: {
          name: 'FileComplaint',
          state: 'ReadyForFulfillment',
          confirmationState: 'None',
          slots: {
            category: {
              value: {
                originalValue: 'my meter',
                interpretedValue: 'metering',
                resolvedValues: ['metering'],
              },
            },
          },
        },
        sessionAttributes: {},
      },
    });
    expect(response.interpretations[0]?.nluConfidence?.score).toBe(1);
    // Alternatives follow, the fallback intent among them without a score, five at most.
    expect(response.interpretations.length).toBeLessThanOrEqual(5);
    expect(
      response.interpretations.find((i) => i.intent.name === 'FallbackIntent')?.nluConfidence,
    ).toBeUndefined();
  });

  it('resolves synonyms to the value the desk stores', async () => {
    const bill = await say(aSessionId(), 'I have a complaint about my gas bill');
    expect(bill.sessionState.intent?.slots.category?.value).toEqual({
      originalValue: 'my gas bill',
      interpretedValue: 'billing',
      resolvedValues: ['billing'],
    });
    expect(slotValue(await say(aSessionId(), 'complaint about discoloured water'), 'category')).toBe(
      'water_quality',
    );
    expect(slotValue(await say(aSessionId(), 'there is a smell of gas in my house'), 'hazard')).toBe(
      'gas_leak',
    );
    expect(slotValue(await say(aSessionId(), 'we have no electricity'), 'hazard')).toBe('power_outage');
    // Longest words win: a gas bill is a bill, not a gas leak.
    const gasBill = await say(aSessionId(), 'I have a question about my gas bill');
    expect(gasBill.sessionState.intent?.name).toBe('FileComplaint');
    expect(slotValue(gasBill, 'category')).toBe('billing');
    expect(slotValue(await say(aSessionId(), 'hay un problema con el contador', 'es_US'), 'category')).toBe(
      'metering',
    );
  });

  it('reads numbers said or keyed: ticket numbers and phone numbers', async () => {
    expect(
      slotValue(
        await say(aSessionId(), 'check the status of complaint one zero zero zero zero two seven'),
        'ticketNumber',
      ),
    ).toBe('1000027');
    expect(slotValue(await say(aSessionId(), 'status of 100-0027'), 'ticketNumber')).toBe('1000027');
    const callback = await say(aSessionId(), 'please call me back at +1 415 555 0100');
    expect(callback.sessionState.intent?.name).toBe('RequestCallback');
    expect(callback.sessionState.intent?.slots.callbackNumber?.value).toMatchObject({
      originalValue: '1 415 555 0100',
      interpretedValue: '+14155550100',
    });
  });

  it('answers the fallback intent for what the bot does not understand', async () => {
    for (const nonsense of ['banana pancakes with syrup', "what's the weather tomorrow", 'yes']) {
      const response = await say(aSessionId(), nonsense);
      expect(response.sessionState.intent).toEqual({
        name: 'FallbackIntent',
        slots: {},
        state: 'ReadyForFulfillment',
        confirmationState: 'None',
      });
      expect(response.sessionState.dialogAction).toEqual({ type: 'Close' });
      expect(response.interpretations[0]?.intent.name).toBe('FallbackIntent');
      expect(response.interpretations[0]?.nluConfidence).toBeUndefined();
    }
    expect((await say(aSessionId(), 'me gustan los tacos', 'es_US')).sessionState.intent?.name).toBe(
      'FallbackIntent',
    );
  });

  it('echoes request attributes', async () => {
    const { body } = await recognizeText(aSessionId(), {
      text: 'agent',
      requestAttributes: { channel: 'VOICE' },
    });
    expect(body.requestAttributes).toEqual({ channel: 'VOICE' });
  });
});

describe('RecognizeText: a missing slot is asked for', () => {
  it('elicits the category with its prompt, then fills it from the answer', async () => {
    const sessionId = aSessionId();
    const asked = await say(sessionId, 'I want to make a complaint');
    expect(asked.messages).toEqual([
      { content: promptOf('FileComplaint', 'category'), contentType: 'PlainText' },
    ]);
    expect(asked.sessionState.dialogAction).toEqual({ type: 'ElicitSlot', slotToElicit: 'category' });
    expect(asked.sessionState.intent).toMatchObject({
      name: 'FileComplaint',
      state: 'InProgress',
      slots: { category: null },
    });

    const answered = await say(sessionId, "It's about my meter");
    expect(answered.sessionState.dialogAction).toEqual({ type: 'Close' });
    expect(answered.sessionState.intent).toMatchObject({
      name: 'FileComplaint',
      state: 'ReadyForFulfillment',
    });
    expect(slotValue(answered, 'category')).toBe('metering');
  });

  it('re-prompts an answer it cannot use, and fails the intent after the retries', async () => {
    const sessionId = aSessionId();
    await say(sessionId, 'check my complaint');
    const tooShort = await say(sessionId, 'one two');
    expect(tooShort.sessionState.dialogAction).toEqual({ type: 'ElicitSlot', slotToElicit: 'ticketNumber' });
    expect(tooShort.messages[0]?.content).toBe(promptOf('CheckStatus', 'ticketNumber'));
    const filled = await say(sessionId, '1 0 0 0 0 2 7');
    expect(slotValue(filled, 'ticketNumber')).toBe('1000027');

    const other = aSessionId();
    await say(other, 'check my complaint');
    await say(other, 'I do not know');
    await say(other, 'no idea');
    const failed = await say(other, 'still no idea');
    expect(failed.sessionState.dialogAction).toEqual({ type: 'Close' });
    expect(failed.sessionState.intent).toMatchObject({
      name: 'CheckStatus',
      state: 'Failed',
      slots: { ticketNumber: null },
    });
  });

  it('lets a caller who is asked for a slot change their mind', async () => {
    const sessionId = aSessionId();
    await say(sessionId, 'this is an emergency');
    const agent = await say(sessionId, 'speak to an agent');
    expect(agent.sessionState.intent?.name).toBe('SpeakToAgent');
    expect(agent.sessionState.dialogAction).toEqual({ type: 'Close' });
  });

  it('starts a new intent once the last one closed', async () => {
    const sessionId = aSessionId();
    await say(sessionId, 'I smell gas');
    const next = await say(sessionId, 'and can you call me back');
    expect(next.sessionState.intent?.name).toBe('RequestCallback');
  });
});

describe('Lex errors', () => {
  it('answers ResourceNotFoundException for an unknown bot, alias or locale', async () => {
    for (const url of [
      `${sessionPath('s-1', 'en_US', 'NOSUCHBOT1')}/text`,
      `${sessionPath('s-1', 'en_US', botId, 'NOSUCHALIAS')}/text`,
      `${sessionPath('s-1', 'fr_FR')}/text`,
    ]) {
      const response = await fetch(url, { method: 'POST', body: JSON.stringify({ text: 'agent' }) });
      expect(response.status).toBe(404);
      expect(response.headers.get('x-amzn-errortype')).toBe('ResourceNotFoundException');
      expect(await response.json()).toEqual({ message: expect.any(String) });
    }
  });

  it('answers ValidationException for a bad request', async () => {
    const sessionId = aSessionId();
    for (const body of [
      {},
      { text: '' },
      { text: 42 },
      { text: 'x'.repeat(1025) },
      { text: 'agent', sessionState: { dialogAction: { type: 'Dance' } } },
      { text: 'agent', requestAttributes: { channel: 7 } },
      '{"text": "agent"',
      '["agent"]',
    ]) {
      const answer = await recognizeText(sessionId, body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.errorType).toBe('ValidationException');
      expect(answer.body.message).toEqual(expect.any(String));
    }
    const badSession = await recognizeText('x', { text: 'agent' });
    expect([badSession.status, badSession.errorType]).toEqual([400, 'ValidationException']);
    const badBotId = await fetch(`${sessionPath('s-1', 'en_US', 'short')}/text`, {
      method: 'POST',
      body: JSON.stringify({ text: 'agent' }),
    });
    expect(badBotId.headers.get('x-amzn-errortype')).toBe('ValidationException');
  });

  it('names the field that failed', async () => {
    const { body } = await recognizeText(aSessionId(), {});
    expect(body.message).toContain("'text'");
  });
});

describe('sessions', () => {
  it('forgets a conversation idle for the bot’s session TTL on the clock', async () => {
    const sessionId = aSessionId();
    await recognizeText(sessionId, {
      text: 'this is an emergency',
      sessionState: { sessionAttributes: { tier: 'gold' } },
    });
    clock.advance(ttlSeconds - 1);
    const kept = await fetch(sessionPath(sessionId));
    expect(kept.status).toBe(200);
    expect((await kept.json()).sessionState).toMatchObject({
      dialogAction: { type: 'ElicitSlot', slotToElicit: 'hazard' },
      sessionAttributes: { tier: 'gold' },
    });

    clock.advance(ttlSeconds);
    const gone = await fetch(sessionPath(sessionId));
    expect(gone.status).toBe(404);
    expect(gone.headers.get('x-amzn-errortype')).toBe('ResourceNotFoundException');
    const fresh = await say(sessionId, 'gas');
    expect(fresh.sessionState.sessionAttributes).toEqual({});
  });

  it('keeps at most maxSessions conversations, the longest idle forgotten first', () => {
    const bounded = createLexRuntime({ bots: [LOCAL_HOTLINE_BOT], clock, maxSessions: 3 });
    const arn = bounded.botAliasArn(botId, botAliasId);
    for (const id of ['s-1', 's-2', 's-3', 's-4', 's-5']) {
      bounded.recognize(arn, id, 'I want to make a complaint');
      clock.advance(1);
    }
    expect(bounded.sessionCount()).toBe(3);
    const address = { botId, botAliasId, localeId: 'en_US' };
    expect(() => bounded.getSession({ ...address, sessionId: 's-1' })).toThrow(LexApiError);
    expect(bounded.getSession({ ...address, sessionId: 's-5' }).sessionId).toBe('s-5');
    clock.advance(ttlSeconds);
    expect(bounded.sessionCount()).toBe(0);
  });

  it('PutSession sets the dialog, GetSession reads it, DeleteSession ends it', async () => {
    const sessionId = aSessionId();
    const put = await fetch(sessionPath(sessionId), {
      method: 'POST',
      body: JSON.stringify({
        sessionState: {
          dialogAction: { type: 'ElicitSlot', slotToElicit: 'ticketNumber' },
          intent: { name: 'CheckStatus' },
          sessionAttributes: { caller: 'known' },
        },
        messages: [{ content: 'Your complaint number?', contentType: 'PlainText' }],
      }),
    });
    expect(put.status).toBe(200);
    expect(put.headers.get('x-amz-lex-session-id')).toBe(sessionId);
    const packedState = put.headers.get('x-amz-lex-session-state') ?? '';
    expect(JSON.parse(gunzipSync(Buffer.from(packedState, 'base64')).toString('utf8'))).toMatchObject({
      dialogAction: { type: 'ElicitSlot', slotToElicit: 'ticketNumber' },
      intent: { name: 'CheckStatus', slots: { ticketNumber: null } },
      sessionAttributes: { caller: 'known' },
    });

    const got = await (await fetch(sessionPath(sessionId))).json();
    expect(got).toMatchObject({
      sessionId,
      messages: [{ content: 'Your complaint number?', contentType: 'PlainText' }],
      sessionState: { intent: { name: 'CheckStatus' } },
    });

    const answered = await say(sessionId, '1000027');
    expect(answered.sessionState).toMatchObject({
      dialogAction: { type: 'Close' },
      intent: { name: 'CheckStatus', state: 'ReadyForFulfillment' },
      sessionAttributes: { caller: 'known' },
    });
    expect(slotValue(answered, 'ticketNumber')).toBe('1000027');

    const deleted = await fetch(sessionPath(sessionId), { method: 'DELETE' });
    expect(await deleted.json()).toEqual({ botId, botAliasId, localeId: 'en_US', sessionId });
    expect((await fetch(sessionPath(sessionId))).status).toBe(404);
  });

  it('refuses PutSession without a session state', async () => {
    const put = await fetch(sessionPath(aSessionId()), { method: 'POST', body: JSON.stringify({}) });
    expect([put.status, put.headers.get('x-amzn-errortype')]).toEqual([400, 'ValidationException']);
  });
});

describe('in process, for the contact-flow interpreter', () => {
  it('answers recognize() as RecognizeText does over HTTP', async () => {
    const arn = runtime.botAliasArn(botId, botAliasId);
    expect(arn).toBe(`arn:aws:lex:eu-west-1:000000000000:bot-alias/${botId}/${botAliasId}`);
    const { originatingRequestId: _a, ...inProcess } = runtime.recognize(
      arn,
      'flow-1',
      'I smell gas',
    ).sessionState;
    const { originatingRequestId: _b, ...overHttp } = (await say('http-1', 'I smell gas')).sessionState;
    expect(inProcess).toEqual(overHttp);
  });

  it('takes ids or an ARN with a locale, and the flow’s session attributes', () => {
    const byIds = runtime.recognize(
      { botId, botAliasId, localeId: 'es_US' },
      'flow-2',
      'quiero hablar con un agente',
    );
    expect(byIds.sessionState.intent?.name).toBe('SpeakToAgent');
    const withAttributes = runtime.recognize(
      { botAliasArn: runtime.botAliasArn(botId, botAliasId), localeId: 'en_US' },
      'flow-3',
      'I want to make a complaint',
      { sessionAttributes: { customerId: 'c-1' } },
    );
    expect(withAttributes.sessionState.sessionAttributes).toEqual({ customerId: 'c-1' });
    const next = runtime.recognize(runtime.botAliasArn(botId, botAliasId), 'flow-3', 'my bill');
    expect(next.sessionState.sessionAttributes).toEqual({ customerId: 'c-1' });
  });

  it('throws LexApiError for an unknown alias', () => {
    const unknown = 'arn:aws:lex:eu-west-1:000000000000:bot-alias/NOSUCHBOT1/TSTALIASID';
    expect(() => runtime.recognize(unknown, 'flow-4', 'agent')).toThrow(
      expect.objectContaining({ errorType: 'ResourceNotFoundException', statusCode: 404 }),
    );
    expect(() => runtime.recognize('not-an-arn', 'flow-4', 'agent')).toThrow(
      expect.objectContaining({ errorType: 'ValidationException' }),
    );
  });

  it('gives the flow what Connect would: prompts while the dialog goes on, then $.Lex to branch on', () => {
    const arn = runtime.botAliasArn(botId, botAliasId);
    const asking = connectLexTurn(runtime.recognize(arn, 'flow-5', 'I want to complain'));
    expect(asking).toEqual({ say: [promptOf('FileComplaint', 'category')] });
    const done = connectLexTurn(runtime.recognize(arn, 'flow-5', 'the conduct of your staff'));
    expect(done.outcome).toMatchObject({
      intentName: 'FileComplaint',
      failed: false,
      lex: {
        IntentName: 'FileComplaint',
        IntentConfidence: { Score: 1 },
        Slots: { category: 'staff_conduct' },
        SessionAttributes: {},
        DialogState: 'Fulfilled',
      },
    });
    const fallback = connectLexTurn(runtime.recognize(arn, 'flow-6', 'banana pancakes'));
    expect(fallback.outcome?.intentName).toBe('FallbackIntent');
  });

  it('runs any bot definition, with the built-in number type', () => {
    const meterBot: BotDefinition = {
      name: 'Meters',
      description: 'test bot',
      idleSessionTtlSeconds: 60,
      locales: [
        {
          localeId: 'en_US',
          description: 'test',
          voiceId: 'Joanna',
          nluConfidenceThreshold: 0.4,
          slotTypes: [],
          intents: [
            {
              name: 'ReportReading',
              description: 'a meter reading',
              sampleUtterances: ['my reading is {reading}', 'the meter says {reading}'],
              slots: [
                {
                  name: 'reading',
                  description: 'the reading',
                  slotType: 'AMAZON.Number',
                  required: true,
                  prompt: 'What does the meter say?',
                  maxRetries: 1,
                },
              ],
            },
          ],
        },
      ],
    };
    const own = createLexRuntime({
      bots: [{ botId: 'METERBOT01', botAliasId: 'LIVE', definition: meterBot }],
      clock,
    });
    const target = { botId: 'METERBOT01', botAliasId: 'LIVE' };
    expect(slotValue(own.recognize(target, 'm-1', 'my reading is four hundred and twenty'), 'reading')).toBe(
      '420',
    );
    expect(slotValue(own.recognize(target, 'm-2', 'the meter says 1234'), 'reading')).toBe('1234');
    // No fallback intent in this definition: Lex asks for an intent again.
    expect(own.recognize(target, 'm-3', 'banana').sessionState.dialogAction).toEqual({
      type: 'ElicitIntent',
    });
  });

  it('refuses a definition whose utterance names no slot of its intent', () => {
    const [english] = hotlineBot.locales;
    if (!english) throw new Error('no locale');
    const broken: BotDefinition = {
      ...hotlineBot,
      locales: [
        {
          ...english,
          intents: english.intents.map((i) =>
            i.name === 'SpeakToAgent' ? { ...i, sampleUtterances: ['talk to {nobody}'] } : i,
          ),
        },
      ],
    };
    expect(() => createLexRuntime({ bots: [{ ...LOCAL_HOTLINE_BOT, definition: broken }], clock })).toThrow(
      /names no slot/,
    );
  });
});
