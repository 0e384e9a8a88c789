import { describe, expect, it } from 'vitest';
import type { FlowContext } from '#infra/flows/index';
import type { FlowAction, FlowDocument } from '#infra/flows/lib/flow-language';
import { outboundBroadcastFlow } from '#infra/flows/outbound-broadcast';
import { outboundCallbackFlow } from '#infra/flows/outbound-callback';
import { OUTBOUND_PROMPTS } from '#infra/flows/outbound-common';
import { outboundProgressFlow } from '#infra/flows/outbound-progress';
import { outboundSurveyFlow } from '#infra/flows/outbound-survey';

const ctx: FlowContext = {
  lambdaArn: (id) => `arn:aws:lambda:eu-west-1:000000000000:function:${id}`,
  queueArn: (queue) => `arn:aws:connect:eu-west-1:000000000000:instance/i/queue/${queue}`,
};

const IDENTITY_MENUS = ['identity', 'identity-again'];

function targets(action: FlowAction, skipConfirmed: boolean): string[] {
  const t = action.Transitions;
  const conditions = (t.Conditions ?? []).filter(
    (c) => !(skipConfirmed && IDENTITY_MENUS.includes(action.Identifier) && c.Condition.Operands[0] === '1'),
  );
  return [
    ...(t.NextAction ? [t.NextAction] : []),
    ...conditions.map((c) => c.NextAction),
    ...(t.Errors ?? []).map((e) => e.NextAction),
  ];
}

/** Every action a call can reach from the start without the customer pressing 1 at the identity question. */
function reachableUnconfirmed(flow: FlowDocument): FlowAction[] {
  const byId = new Map(flow.Actions.map((a) => [a.Identifier, a]));
  const seen = new Set<string>();
  const queue = [flow.StartAction];
  while (queue.length > 0) {
    const id = queue.shift() as string;
    if (seen.has(id)) continue;
    seen.add(id);
    const action = byId.get(id);
    if (action) queue.push(...targets(action, true));
  }
  return flow.Actions.filter((a) => seen.has(a.Identifier));
}

const personal = /ticketNumber|\$\.External\.message|Attributes\.message|complaint \$|status/i;

describe('the outbound flows and the identity check', () => {
  const flows = {
    callback: outboundCallbackFlow(ctx),
    survey: outboundSurveyFlow(ctx),
    progress: outboundProgressFlow(ctx),
  };

  for (const [name, flow] of Object.entries(flows)) {
    it(`the ${name} call opens with the desk's name and the identity question`, () => {
      const start = flow.Actions.find((a) => a.Identifier === flow.StartAction);
      expect(start?.Parameters.Text).toBe(OUTBOUND_PROMPTS.intro);
      expect(start?.Transitions.NextAction).toBe('identity');
    });

    it(`the ${name} call says and asks nothing about the complaint until the customer presses 1`, () => {
      const unconfirmed = reachableUnconfirmed(flow);
      const ids = unconfirmed.map((a) => a.Identifier);
      expect(ids).toEqual(expect.arrayContaining(['wrong-person', 'not-verified', 'hangup']));
      for (const action of unconfirmed) {
        expect(JSON.stringify(action.Parameters), action.Identifier).not.toMatch(personal);
      }
      // ...and the complaint is mentioned somewhere after the 1 (so the check above can fail).
      if (name !== 'callback') {
        expect(flow.Actions.some((a) => /ticketNumber/.test(JSON.stringify(a.Parameters)))).toBe(true);
      }
    });

    it(`the ${name} call reports "2" as wrong_person and silence or wrong keys as not_verified`, () => {
      const answer = (id: string) => flow.Actions.find((a) => a.Identifier === id)?.Parameters;
      expect(JSON.stringify(answer('wrong-person'))).toContain('"answer":"wrong_person"');
      expect(JSON.stringify(answer('not-verified'))).toContain('"answer":"not_verified"');
      const again = flow.Actions.find((a) => a.Identifier === 'identity-again');
      const errors = (again?.Transitions.Errors ?? []).map((e) => e.NextAction);
      expect(new Set(errors)).toEqual(new Set(['not-verified']));
    });
  }

  it('the emergency broadcast plays its message to whoever answers (no identity check)', () => {
    const flow = outboundBroadcastFlow(ctx);
    expect(flow.Actions.some((a) => IDENTITY_MENUS.includes(a.Identifier))).toBe(false);
    expect(JSON.stringify(flow)).not.toContain(OUTBOUND_PROMPTS.identity);
  });
});
