/**
 * The smoke journey's target for the local runtime (`npm start`), over its HTTP control surface only
 * (README "The local control surface", "The hotline phone (simulator)"): a token from `/local/token`
 * instead of Cognito, a call through the phone simulator instead of Connect's test-case API (the local
 * Connect emulator has none), and no alarm topic (there is no SNS locally: that check is unit-tested with
 * aws-sdk-client-mock in test/unit/smoke-deployed.test.ts).
 */
import { PROMPTS } from '#infra/flows/inbound';
import type { CleanupList, PhoneStatusCheck, SmokeTarget } from '#ops/smoke/journey';

export interface LocalTargetOptions {
  /** e.g. http://127.0.0.1:3000 */
  readonly baseUrl: string;
  readonly fetch?: typeof fetch;
  /** How long to wait for the flow to say something; default 15 s. */
  readonly phoneTimeoutMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

interface SimulatedCall {
  readonly callId: string;
  readonly state: 'ringing' | 'in-progress' | 'ended';
  readonly transcript: readonly { readonly speaker: 'system' | 'caller'; readonly text: string }[];
}

export function localTarget(options: LocalTargetOptions): SmokeTarget {
  const base = options.baseUrl.replace(/\/+$/, '');
  const fetchFn = options.fetch ?? globalThis.fetch;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const timeoutMs = options.phoneTimeoutMs ?? 15_000;

  const post = async <T>(path: string, body?: unknown): Promise<T> => {
    const res = await fetchFn(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body ?? {}),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`POST ${path} answered ${res.status}: ${text.slice(0, 200)}`);
    return (text ? JSON.parse(text) : {}) as T;
  };
  const getCall = async (callId: string): Promise<SimulatedCall> => {
    const res = await fetchFn(`${base}/local/phone/calls/${encodeURIComponent(callId)}`, {
      signal: AbortSignal.timeout(30_000),
    });
    if (res.status !== 200) throw new Error(`GET /local/phone/calls/${callId} answered ${res.status}`);
    return (await res.json()) as SimulatedCall;
  };
  const systemSaid = (call: SimulatedCall) =>
    call.transcript.filter((l) => l.speaker === 'system').map((l) => l.text);

  /** Waits (real time, the flow's Lambdas run meanwhile) until the system has said `text` after `from` lines. */
  const waitToHear = async (callId: string, text: string, from: number): Promise<number> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const call = await getCall(callId);
      const said = systemSaid(call);
      const at = said.findIndex((line, i) => i >= from && line.includes(text));
      if (at >= 0) return at + 1;
      if (call.state === 'ended' || Date.now() > deadline) {
        const last = said.slice(from).join(' | ') || '(nothing)';
        throw new Error(
          `the hotline did not say "${text}"; it said: ${last}${call.state === 'ended' ? ' (call ended)' : ''}`,
        );
      }
      await sleep(50);
    }
  };

  return {
    description: `local ${base}`,
    apiUrl: base,
    fetch: fetchFn,
    async signIn(runId) {
      const username = `smoke-${runId}`;
      const { token } = await post<{ token?: string }>('/local/token', {
        username,
        groups: ['agent', 'admin'],
      });
      if (!token) throw new Error('POST /local/token gave no token');
      return { token, detail: `local token for ${username} (agent, admin); nothing to delete` };
    },
    async checkPhoneStatus(check: PhoneStatusCheck, cleanup: CleanupList) {
      const { callId } = await post<{ callId: string }>('/local/phone/calls', { from: check.callerPhone });
      cleanup.add(`simulated call ${callId} hung up`, async () => {
        if ((await getCall(callId)).state === 'ended') return 'had ended';
        await post(`/local/phone/calls/${encodeURIComponent(callId)}/hangup`);
        return 'hung up';
      });
      const keys = (digits: string) =>
        post(`/local/phone/calls/${encodeURIComponent(callId)}/keys`, { digits });
      let heard = await waitToHear(callId, PROMPTS.mainMenu, 0);
      await keys('2');
      heard = await waitToHear(callId, PROMPTS.statusAsk, heard);
      await keys(`${check.ticketNumber}#`);
      heard = await waitToHear(callId, PROMPTS.statusDigits, heard);
      await keys(`${check.complaintPhone.slice(-4)}#`);
      await waitToHear(callId, check.expectedSentence, heard);
      return `call ${callId}: heard "${check.expectedSentence}"`;
    },
    checkAlarmTopic:
      'no SNS topic locally (the topic policy check is tested with aws-sdk-client-mock: test/unit/smoke-deployed.test.ts)',
  };
}
