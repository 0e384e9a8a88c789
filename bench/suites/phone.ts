import { startLocalRuntime } from '#local/runtime';
import { registerComplaint } from '#shared/use-cases/complaints';
import { HOTLINE_ACTOR } from '#shared/use-cases/hotline';
import { aComplaint } from '#test/fixtures/tickets';
import { aPhoneSystem } from '#test/support/phone';
import { type BenchRow, ms, percentile } from '../stats';

const CALLS = 50;
/** Connect waits at most 8 s for a flow's Lambda; the target is a twentieth of that. */
const LAMBDA_P99_TARGET_MS = 8000 / 20;
/** Connect's default quota of concurrent calls per instance. */
const CONNECT_CONCURRENT_CALLS = 10;
const STEADY_ROUNDS = 10;

/**
 * 50 callers ring the hotline at once and walk the real inbound flow through the Connect emulator
 * (most file a complaint, the others ask a status by number), every phone Lambda running against
 * DynamoDB Local. A call counts as served when the caller heard what they came for and the flow,
 * not the network or an error, ended the call.
 */
export async function phoneBench(): Promise<BenchRow[]> {
  const runtime = await startLocalRuntime({ port: 0 });
  try {
    const phone = await aPhoneSystem({ limits: { maxConcurrentCalls: CALLS * 2 } });
    const { ticket } = await registerComplaint(phone.deps, HOTLINE_ACTOR, aComplaint());

    // Warm up: load every handler once (cold starts are reported by the cold-start suite).
    const warm = await phone.dial('+15550009999');
    await phone.press(warm.callId, '1');
    await phone.press(warm.callId, '7');
    await phone.press(warm.callId, '1');
    await phone.press(warm.callId, '9');
    await phone.press(warm.callId, '2');
    await phone.press(warm.callId, `${ticket.number}#`);
    await phone.connect.hangup(warm.callId);
    phone.invocations.splice(0);

    const caller = (i: number) => `+1555800${String(i).padStart(4, '0')}`;
    /** One caller's errand: most file a complaint, every fifth asks a status; returns what they are owed. */
    const errand = async (i: number) => {
      const call = await phone.dial(caller(i));
      if (i % 5 === 4) {
        await phone.press(call.callId, '2');
        await phone.press(call.callId, `${ticket.number}#`);
        return { callId: call.callId, owed: `Complaint ${[...ticket.number].join(', ')}` };
      }
      await phone.press(call.callId, '1');
      await phone.press(call.callId, String((i % 7) + 1));
      await phone.press(call.callId, String((i % 3) + 1));
      return { callId: call.callId, owed: 'Your complaint number is' };
    };
    const wave = async (from: number, size: number) => {
      const calls = await Promise.all(Array.from({ length: size }, (_, k) => errand(from + k)));
      // everyone stays on the line after the closing: "anything else?" twice, then the flow hangs up
      await phone.silence(calls[0]?.callId ?? '', 7);
      return calls;
    };
    const isServed = ({ callId, owed }: { callId: string; owed: string }) => {
      const view = phone.call(callId);
      return (
        view.state === 'ended' &&
        view.disconnectReason === 'CONTACT_FLOW_DISCONNECT' &&
        view.failure === undefined &&
        phone.said(callId).some((text) => text.includes(owed))
      );
    };
    const lambdaTimes = () => {
      const taken = phone.invocations.splice(0);
      return {
        durations: taken.map((i) => i.durationMs ?? Number.POSITIVE_INFINITY),
        failed: taken.filter((i) => i.error !== undefined).length,
      };
    };

    // DynamoDB Local's JVM runs slower for its first few hundred requests: warm it first.
    for (let round = 0; round < 3; round++)
      await wave(1000 + round * CONNECT_CONCURRENT_CALLS, CONNECT_CONCURRENT_CALLS);
    lambdaTimes();

    const started = performance.now();
    const calls = await wave(0, CALLS);
    const wallMs = performance.now() - started;
    const served = calls.filter(isServed).length;
    const burst = lambdaTimes();

    // What a phone Lambda takes at Connect's default quota of concurrent calls per instance.
    let steadyServed = 0;
    for (let round = 0; round < STEADY_ROUNDS; round++) {
      const steadyCalls = await wave(2000 + round * CONNECT_CONCURRENT_CALLS, CONNECT_CONCURRENT_CALLS);
      steadyServed += steadyCalls.filter(isServed).length;
    }
    const steady = lambdaTimes();
    const p99 = percentile(steady.durations, 99);
    const name = 'phone hotline';
    return [
      {
        benchmark: name,
        metric: `${CALLS} simultaneous calls served end to end`,
        value: `${served} / ${CALLS} in ${ms(wallMs)}`,
        target: `${CALLS} / ${CALLS} (none dropped)`,
        pass: served === CALLS,
      },
      {
        benchmark: name,
        metric: `phone Lambda p50 / p99 during the ${CALLS}-call burst (${burst.durations.length} invocations, one process)`,
        value: `${ms(percentile(burst.durations, 50))} / ${ms(percentile(burst.durations, 99))}`,
        target: '',
        pass: undefined,
      },
      {
        benchmark: name,
        metric: `phone Lambda p50 / p99 at ${CONNECT_CONCURRENT_CALLS} concurrent calls (${steady.durations.length} invocations, ${steady.failed} failed)`,
        value: `${ms(percentile(steady.durations, 50))} / ${ms(p99)}`,
        target: `p99 < ${ms(LAMBDA_P99_TARGET_MS)}`,
        pass:
          p99 < LAMBDA_P99_TARGET_MS &&
          steady.failed === 0 &&
          burst.failed === 0 &&
          steadyServed === STEADY_ROUNDS * CONNECT_CONCURRENT_CALLS,
      },
    ];
  } finally {
    await runtime.stop();
  }
}
