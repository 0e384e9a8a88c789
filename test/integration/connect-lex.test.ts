import { afterEach, describe, expect, it } from 'vitest';
import { createConnectEmulator } from '#local/connect/emulator';
import { type ConnectServer, startConnectServer } from '#local/connect/server';
import { FakeClock, FakeLambdas } from '#local/connect/testing';
import { createLexRuntime, LOCAL_HOTLINE_BOT } from '#local/lex/index';
import { createPhoneRoutes } from '#local/phone/routes';

const servers: ConnectServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const LINE = '+15550100144';

/** A flow that asks in words, branches on the hotline bot's intent and reads its slots back. */
function spokenMenu(aliasArn: string) {
  const say = (id: string, text: string) => ({
    Identifier: id,
    Type: 'MessageParticipant',
    Parameters: { Text: text },
    Transitions: { NextAction: 'bye' },
  });
  return {
    Version: '2019-10-30',
    StartAction: 'ask',
    Actions: [
      {
        Identifier: 'ask',
        Type: 'ConnectParticipantWithLexBot',
        Parameters: {
          Text: 'Tell me in a few words how we can help.',
          LexV2Bot: { AliasArn: aliasArn },
          LexSessionAttributes: { desk: 'complaints' },
        },
        Transitions: {
          NextAction: 'sorry',
          Conditions: [
            { NextAction: 'emergency', Condition: { Operator: 'Equals', Operands: ['ReportEmergency'] } },
            { NextAction: 'complaint', Condition: { Operator: 'Equals', Operands: ['FileComplaint'] } },
          ],
          Errors: [
            { NextAction: 'sorry', ErrorType: 'NoMatchingCondition' },
            { NextAction: 'silence', ErrorType: 'InputTimeLimitExceeded' },
            { NextAction: 'sorry', ErrorType: 'NoMatchingError' },
          ],
        },
      },
      say('emergency', 'An engineer is on the way about the $.Lex.Slots.hazard.'),
      say('complaint', 'We will file your $.Lex.Slots.category complaint.'),
      say('sorry', 'Sorry, I did not understand.'),
      say('silence', 'Sorry, I did not hear anything.'),
      { Identifier: 'bye', Type: 'DisconnectParticipant', Parameters: {}, Transitions: {} },
    ],
  };
}

async function aSpeakingLine() {
  const clock = new FakeClock('2026-03-02T15:00:00.000Z');
  const lex = createLexRuntime({ bots: [LOCAL_HOTLINE_BOT], clock });
  const emulator = createConnectEmulator({
    clock,
    lex,
    invokeLambda: new FakeLambdas().invoke,
    log: () => undefined,
  });
  const server = await startConnectServer({ emulator, extraRoutes: createPhoneRoutes(emulator) });
  servers.push(server);
  emulator.registerFlow('spoken', JSON.stringify(spokenMenu(lex.botAliasArn('HOTLINEBOT', 'TSTALIASID'))));
  emulator.setInboundFlow('spoken', LINE);
  const phone = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${server.url}/local/phone${path}`, {
      method,
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const dial = async () => {
    const answer = await phone('POST', '/calls', { from: '+15551230001', to: LINE });
    await emulator.whenIdle();
    return String(answer.body.callId);
  };
  const heard = (callId: string) =>
    (emulator.getCall(callId)?.transcript ?? []).filter((l) => l.speaker === 'system').map((l) => l.text);
  return { clock, emulator, phone, dial, heard };
}

describe('a flow built on the Lex bot, offline (the phone simulator speaks)', () => {
  it('branches on the intent the caller said and reads its slot back', async () => {
    const line = await aSpeakingLine();
    const callId = await line.dial();
    expect(line.emulator.getCall(callId)).toMatchObject({ state: 'in-progress', listening: true });
    const said = await line.phone('POST', `/calls/${callId}/speech`, {
      text: 'I can smell gas in my kitchen',
    });
    expect(said.status).toBe(200);
    expect(line.heard(callId)).toContain('An engineer is on the way about the gas_leak.');
    expect(line.emulator.getCall(callId)?.state).toBe('ended');
    expect(line.emulator.getCall(callId)?.transcript.map((l) => l.text)).toContain(
      'I can smell gas in my kitchen',
    );
  });

  it('asks for what is missing, then goes on with the answer', async () => {
    const line = await aSpeakingLine();
    const callId = await line.dial();
    await line.phone('POST', `/calls/${callId}/speech`, { text: 'I want to make a complaint' });
    expect(line.heard(callId).at(-1)).toMatch(/^What is your complaint about\?/);
    expect(line.emulator.getCall(callId)?.listening).toBe(true);
    await line.phone('POST', `/calls/${callId}/speech`, { text: 'my bill' });
    expect(line.heard(callId)).toContain('We will file your billing complaint.');
  });

  it('takes the silence branch when the caller says nothing, and refuses speech nobody listens for', async () => {
    const line = await aSpeakingLine();
    const callId = await line.dial();
    line.clock.advance(9);
    await line.emulator.tick();
    await line.emulator.whenIdle();
    expect(line.heard(callId)).toContain('Sorry, I did not hear anything.');
    const late = await line.phone('POST', `/calls/${callId}/speech`, { text: 'hello?' });
    expect(late.status).toBe(409);
    const empty = await line.phone('POST', '/calls/nope/speech', { text: '' });
    expect(empty).toMatchObject({ status: 400, body: { error: { code: 'INVALID_INPUT', field: 'text' } } });
  });

  it('a caller who hangs up while the bot listens ends the contact without leaving work behind', async () => {
    const line = await aSpeakingLine();
    const callId = await line.dial();
    await line.emulator.hangup(callId);
    await line.emulator.whenIdle();
    expect(line.emulator.getCall(callId)?.state).toBe('ended');
  });
});
