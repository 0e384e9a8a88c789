/**
 * The Connect emulator as the flow test runner (test-cases.ts) sees it: a test's voice entry point rings
 * its destination number (or a test number routed to the entry's flow), the caller presses keys or speaks,
 * and the contact's prompts, Lambda invocations and queue transfer are what the test observes. Lambda
 * overrides of a test (a substitute function, a mocked answer or error) apply to that contact only.
 */
import type { ConnectContactFlowEvent } from 'aws-lambda';
import type { PhoneCallView } from './contact-model.ts';
import type { LambdaInvoker } from './interpreter.ts';
import type { ContactHappening, FlowActionOverride, TestContacts } from './testing-language/contacts.ts';
import { parametersMatch } from './testing-language/matching.ts';

/** The number a test rings when its entry point names none: routed to the entry's flow for the test. */
export const TEST_ENTRY_NUMBER = '+15550100999';

interface TestContact {
  readonly overrides: readonly FlowActionOverride[];
  readonly invocations: { readonly index: number; readonly at: string; readonly arn: string }[];
  external?: Record<string, unknown>;
}

/** What the adapter needs of the emulator (its public surface, plus the Lambda hook). */
export interface TestableEmulator {
  readonly clock: { now(): Date };
  hasPublishedFlow(flowIdOrArn: string): boolean;
  routeTestNumber(number: string, flowIdOrArn: string): void;
  startInboundCall(
    from: string,
    to: string,
    attributes: Readonly<Record<string, string>>,
  ): Promise<PhoneCallView>;
  pressKeys(callId: string, digits: string): Promise<unknown>;
  speak(callId: string, text: string): Promise<unknown>;
  hangup(callId: string): Promise<unknown>;
  getCall(callId: string): PhoneCallView | undefined;
  whenIdle(): Promise<void>;
}

/** Emulator notes in the transcript are not prompts: "[queued] ...", "(call ended by the system)". */
const isNote = (text: string) => text.startsWith('[') || text.startsWith('(');

export function emulatorTestContacts(emulator: TestableEmulator): {
  contacts: TestContacts;
  /** Wraps the emulator's Lambda invoker: a test's overrides apply to its own contacts. */
  interceptLambda: (invoke: LambdaInvoker) => LambdaInvoker;
} {
  const tests = new Map<string, TestContact>();
  let starting: readonly FlowActionOverride[] | undefined;

  const interceptLambda =
    (invoke: LambdaInvoker): LambdaInvoker =>
    async (arn, event: ConnectContactFlowEvent, timeoutMs) => {
      const contactId = event.Details.ContactData.ContactId;
      let contact = tests.get(contactId);
      if (!contact && starting) {
        contact = { overrides: starting, invocations: [] };
        tests.set(contactId, contact);
      }
      if (!contact) return invoke(arn, event, timeoutMs);
      contact.invocations.push({
        index: emulator.getCall(contactId)?.transcript.length ?? 0,
        at: emulator.clock.now().toISOString(),
        arn,
      });
      const override = contact.overrides.find(
        (o) => o.action === 'InvokeLambdaFunction' && parametersMatch(o.match, { LambdaFunctionARN: arn }),
      );
      let result: unknown;
      if (!override) result = await invoke(arn, event, timeoutMs);
      else if (override.strategy.type === 'SubstituteResource') {
        result = await invoke(override.strategy.substituteArn, event, timeoutMs);
      } else if (override.strategy.type === 'MockError') throw new Error(`mocked ${override.strategy.error}`);
      else result = override.strategy.loadedData ?? {};
      contact.external = result as Record<string, unknown>;
      return result;
    };

  const happeningsOf = (call: PhoneCallView, contact: TestContact | undefined): ContactHappening[] => {
    const happenings: ContactHappening[] = [];
    const invocationsBefore = (index: number) => {
      for (const invocation of contact?.invocations ?? []) {
        if (invocation.index !== index) continue;
        happenings.push({
          kind: 'action',
          at: invocation.at,
          actionId: 'lambda',
          type: 'InvokeLambdaFunction',
          parameters: { LambdaFunctionARN: invocation.arn },
        });
      }
    };
    call.transcript.forEach((line, index) => {
      invocationsBefore(index);
      if (line.speaker !== 'system') return;
      if (line.text.startsWith('[queued]') && call.queue) {
        happenings.push({
          kind: 'action',
          at: line.at,
          actionId: 'transfer',
          type: 'TransferContactToQueue',
          parameters: { QueueId: call.queue.arn },
        });
      } else if (!isNote(line.text)) happenings.push({ kind: 'prompt', at: line.at, text: line.text });
    });
    invocationsBefore(call.transcript.length);
    return happenings;
  };

  const contacts: TestContacts = {
    capabilities: {
      overrides: { InvokeLambdaFunction: ['SubstituteResource', 'MockResponse'] },
      observedActions: ['InvokeLambdaFunction', 'TransferContactToQueue'],
      initialAttributes: true,
    },
    hasFlow: (flowId) => emulator.hasPublishedFlow(flowId),
    async start(entry) {
      const to = entry.to ?? TEST_ENTRY_NUMBER;
      if (!entry.to) emulator.routeTestNumber(to, entry.flowId);
      starting = entry.overrides;
      try {
        const call = await emulator.startInboundCall(entry.from, to, entry.attributes);
        if (!tests.has(call.callId)) tests.set(call.callId, { overrides: entry.overrides, invocations: [] });
        return call.callId;
      } finally {
        starting = undefined;
      }
    },
    press: async (contactId, digits) => {
      await emulator.pressKeys(contactId, digits);
    },
    utter: async (contactId, text) => {
      await emulator.speak(contactId, text);
    },
    hangup: async (contactId) => {
      await emulator.hangup(contactId);
    },
    view(contactId) {
      const call = emulator.getCall(contactId);
      if (!call) return undefined;
      const contact = tests.get(contactId);
      return {
        contactId,
        state: call.state,
        awaitingInput: call.awaitingInput,
        happenings: happeningsOf(call, contact),
        attributes: call.attributes,
        customerAddress: call.from,
        systemAddress: call.to,
        ...(call.queue ? { queue: { arn: call.queue.arn, name: call.queue.name } } : {}),
        ...(call.agent ? { agent: { username: call.agent.username } } : {}),
        ...(contact?.external ? { external: contact.external } : {}),
        ...(call.disconnectReason ? { disconnectReason: call.disconnectReason } : {}),
        ...(call.failure ? { failure: call.failure } : {}),
      };
    },
    settle: () => emulator.whenIdle(),
  };
  return { contacts, interceptLambda };
}
