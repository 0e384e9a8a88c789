import type { ConnectContactFlowEvent } from 'aws-lambda';
import { functionsTriggeredBy } from '#functions/catalog';
import {
  type ConnectEmulator,
  type ConnectLimits,
  createConnectEmulator,
  type PhoneCallView,
} from '#local/connect/emulator';
import { FakeClock } from '#local/connect/testing';
import { configureLocalHotline, type LocalHotlineContext, localFlowIds } from '#local/hotline';
import { functionIdFromArn, LambdaHost, localFunctionArn } from '#local/lambda-host';
import { REPO_ROOT } from '#local/runtime';
import {
  createDependencies,
  type AdapterDependencies as Dependencies,
  setDependencies,
} from '#shared/adapters/dependencies';
import { loadConfig } from '#shared/config';

/** Monday 2 March 2026, 10:00 in New York: the desk is open. */
export const DESK_OPEN = '2026-03-02T15:00:00.000Z';
/** Monday 2 March 2026, 20:00 in New York: the desk is closed. */
export const DESK_CLOSED = '2026-03-03T01:00:00.000Z';

export type LambdaOverride = (event: ConnectContactFlowEvent) => Promise<unknown>;

export interface PhoneSystem {
  readonly clock: FakeClock;
  readonly connect: ConnectEmulator;
  readonly deps: Dependencies;
  /** Every phone Lambda invocation: function id, event sent, answer or error. */
  readonly invocations: {
    functionId: string;
    event: ConnectContactFlowEvent;
    answer?: unknown;
    error?: string;
    /** Wall-clock time the handler took. */
    durationMs?: number;
  }[];
  dial(from: string): Promise<PhoneCallView>;
  press(callId: string, digits: string): Promise<PhoneCallView>;
  /** The caller stays silent; input time limits apply as the clock moves. */
  silence(callId: string, seconds: number): Promise<PhoneCallView>;
  call(callId: string): PhoneCallView;
  /** What the system said on the call, in order. */
  said(callId: string): string[];
}

/**
 * The hotline as a caller meets it: the Connect emulator running the real inbound flow, whose
 * Lambdas are the real handlers (LambdaHost) against the local runtime's DynamoDB, on a fake clock
 * shared by the emulator and the handlers. `overrides` replace single functions (failures, stand-ins).
 */
export async function aPhoneSystem(
  options: {
    readonly at?: string;
    readonly overrides?: Readonly<Record<string, LambdaOverride>>;
    readonly hotline?: Omit<LocalHotlineContext, 'lambdaArn'>;
    readonly limits?: Partial<ConnectLimits>;
  } = {},
): Promise<PhoneSystem> {
  const clock = new FakeClock(options.at ?? DESK_OPEN);
  // The flow ids the local instance gives the hotline's flows, as the runtime passes them.
  const deps = createDependencies(
    loadConfig({ ...process.env, CONTACT_FLOW_IDS: JSON.stringify(localFlowIds()) }),
    clock,
  );
  setDependencies(deps);
  const lambdas = new LambdaHost(REPO_ROOT);
  const invocations: PhoneSystem['invocations'] = [];
  const connect = createConnectEmulator({
    clock,
    knownLambdaArns: functionsTriggeredBy('contactFlow').map(localFunctionArn),
    invokeLambda: async (arn, event) => {
      const functionId = functionIdFromArn(arn);
      const record: PhoneSystem['invocations'][number] = { functionId, event: structuredClone(event) };
      invocations.push(record);
      const started = performance.now();
      try {
        const override = options.overrides?.[functionId];
        record.answer = override ? await override(event) : await lambdas.invoke(functionId, event);
        return record.answer;
      } catch (error) {
        record.error = (error as Error).message;
        throw error;
      } finally {
        record.durationMs = performance.now() - started;
      }
    },
    ...(options.limits ? { limits: options.limits } : {}),
    log: () => undefined,
  });
  await configureLocalHotline(connect, { lambdaArn: localFunctionArn, ...options.hotline });

  const view = (callId: string): PhoneCallView => {
    const call = connect.getCall(callId);
    if (!call) throw new Error(`no call ${callId}`);
    return call;
  };
  return {
    clock,
    connect,
    deps,
    invocations,
    dial: async (from) => {
      const call = await connect.startInboundCall(from);
      await connect.whenIdle();
      return view(call.callId);
    },
    press: async (callId, digits) => {
      await connect.pressKeys(callId, digits);
      await connect.whenIdle();
      return view(callId);
    },
    silence: async (callId, seconds) => {
      for (let s = 0; s < seconds; s++) {
        clock.advance(1);
        await connect.tick();
        await connect.whenIdle();
      }
      return view(callId);
    },
    call: view,
    said: (callId) =>
      view(callId)
        .transcript.filter((l) => l.speaker === 'system')
        .map((l) => l.text),
  };
}
