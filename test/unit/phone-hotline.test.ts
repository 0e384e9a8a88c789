import { afterEach, describe, expect, it } from 'vitest';
import { functionsTriggeredBy } from '#functions/catalog';
import { handler as statusHandler } from '#functions/phone/complaint-status';
import { handler as fileHandler } from '#functions/phone/file-complaint';
import { INBOUND_FLOW_FUNCTIONS } from '#infra/flows/inbound';
import { INCIDENT_FLOW_FUNCTIONS } from '#infra/flows/inbound-incident';
import { contactFlows } from '#infra/flows/index';
import { validateFlow } from '#infra/flows/lib/validate';
import { createDependencies, setDependencies } from '#shared/adapters/dependencies';
import { loadConfig } from '#shared/config';
import { defaultRepeatCallPolicy, screenCall } from '#shared/domain/caller-screening';
import {
  callbackBookedMessage,
  digitByDigit,
  firstNameOf,
  knownCallerGreeting,
  ticketNumberTwice,
} from '#shared/domain/caller-speech';
import type { TicketStore } from '#shared/ports/ticket-store';

const arn = (id: string) => `arn:aws:lambda:eu-west-1:000000000000:function:${id}`;
const context = {
  lambdaArn: arn,
  queueArn: (q: string) => `arn:aws:connect:eu-west-1:1:instance/x/queue/${q}`,
};

function aContactFlowEvent(parameters: Record<string, string | null>, address = '+15551230001') {
  return {
    Name: 'ContactFlowEvent',
    Details: {
      ContactData: {
        Attributes: {},
        Channel: 'VOICE',
        ContactId: 'c-1',
        CustomerEndpoint: { Address: address, Type: 'TELEPHONE_NUMBER' },
        InitialContactId: 'c-1',
        InitiationMethod: 'INBOUND',
        InstanceARN: 'arn:aws:connect:eu-west-1:1:instance/x',
        SystemEndpoint: { Address: '+15550100100', Type: 'TELEPHONE_NUMBER' },
      },
      Parameters: parameters,
    },
  };
}

describe('the inbound flow document', () => {
  it('renders valid, within Connect limits, invoking only catalog functions triggered by contact flows', () => {
    const doc = contactFlows.inbound?.(context);
    const known = functionsTriggeredBy('contactFlow').map(arn);
    expect(validateFlow(doc, { knownLambdaArns: known })).toEqual([]);
    expect(doc?.Actions.length).toBeLessThanOrEqual(250);
    const invoked = new Set(
      doc?.Actions.filter((a) => a.Type === 'InvokeLambdaFunction').map(
        (a) => a.Parameters.LambdaFunctionARN,
      ),
    );
    // The menu's functions and the incident notice that comes before it.
    const expected = [...Object.values(INBOUND_FLOW_FUNCTIONS), ...Object.values(INCIDENT_FLOW_FUNCTIONS)];
    expect([...invoked].sort()).toEqual([...new Set(expected)].map(arn).sort());
  });

  it('is rejected by the validator once broken: a dangling branch and a Lambda we do not deploy', () => {
    const doc = structuredClone(contactFlows.inbound?.(context));
    const create = doc?.Actions.find((a) => a.Identifier === 'file-create');
    if (!doc || !create) throw new Error('file-create missing');
    create.Parameters.LambdaFunctionARN = arn('NotDeployed');
    create.Transitions.NextAction = 'nowhere';
    const codes = validateFlow(doc, { knownLambdaArns: functionsTriggeredBy('contactFlow').map(arn) }).map(
      (p) => p.code,
    );
    expect(codes).toContain('unknown-lambda');
    expect(codes).toContain('dangling-target');
    // file-check was only reachable through file-create's NextAction
    expect(codes).toContain('unreachable');
  });
});

describe('what the phone says', () => {
  it('reads a complaint number digit by digit, twice', () => {
    expect(digitByDigit('1000027')).toBe('1, 0, 0, 0, 0, 2, 7');
    expect(ticketNumberTwice('1000027')).toBe(
      'Your complaint number is 1, 0, 0, 0, 0, 2, 7. Once more: 1, 0, 0, 0, 0, 2, 7.',
    );
  });

  it('greets a known caller by first name only and reads at most three open complaints', () => {
    const open = ['1000011', '1000029', '1000037', '1000045'].map((number) => ({
      number,
      status: 'dispatched' as const,
    }));
    const text = knownCallerGreeting(firstNameOf('Ada Lovelace'), open);
    expect(text).toContain('Hello Ada, welcome back. You have 4 open complaints.');
    expect(text).not.toContain('Lovelace');
    expect(text.match(/is with the responsible department/g)).toHaveLength(3);
    expect(text).toContain('1 more can be read to you by an agent');
    expect(knownCallerGreeting(undefined, [])).toBe('Welcome back. You have no open complaints with us.');
  });

  it('tells when a callback comes: minutes when soon, the desk time when later', () => {
    const now = '2026-03-03T01:00:00.000Z';
    expect(
      callbackBookedMessage({
        emergency: true,
        phone: '+15551230001',
        dueAt: '2026-03-03T01:03:00.000Z',
        now,
        timeZone: 'America/New_York',
      }),
    ).toBe('Our emergency team will call you back at your number ending 0, 0, 0, 1, within about 3 minutes.');
    expect(
      callbackBookedMessage({
        emergency: false,
        phone: '+15551230001',
        dueAt: '2026-03-03T13:00:00.000Z',
        now,
        timeZone: 'America/New_York',
      }),
    ).toBe('We will call you back at your number ending 0, 0, 0, 1, from Tuesday 8:00 AM.');
  });
});

describe('screening a caller', () => {
  const now = '2026-03-02T15:00:00.000Z';
  it('flags the fourth call within the hour once per window', () => {
    const policy = defaultRepeatCallPolicy;
    expect(
      screenCall({ blocked: false, recentCalls: 3, lastFlaggedAt: undefined, now, policy }),
    ).toMatchObject({
      repeatCaller: false,
      raiseFlag: false,
    });
    expect(
      screenCall({ blocked: false, recentCalls: 4, lastFlaggedAt: undefined, now, policy }),
    ).toMatchObject({
      repeatCaller: true,
      raiseFlag: true,
    });
    const flaggedRecently = '2026-03-02T14:30:00.000Z';
    expect(
      screenCall({ blocked: false, recentCalls: 5, lastFlaggedAt: flaggedRecently, now, policy }),
    ).toMatchObject({ repeatCaller: true, raiseFlag: false });
    const flaggedLongAgo = '2026-03-02T13:00:00.000Z';
    expect(
      screenCall({ blocked: true, recentCalls: 5, lastFlaggedAt: flaggedLongAgo, now, policy }),
    ).toMatchObject({
      blocked: true,
      raiseFlag: true,
    });
  });
});

describe('phone Lambdas at the edge', () => {
  afterEach(() => setDependencies(undefined));

  function withTickets(tickets: Partial<TicketStore>) {
    const config = loadConfig({ TABLE_NAME: 'complaint-hotline', DYNAMODB_ENDPOINT: 'http://127.0.0.1:9' });
    const deps = createDependencies(config, { now: () => new Date('2026-03-02T15:00:00.000Z') });
    setDependencies({ ...deps, tickets: { ...deps.tickets, ...tickets } as TicketStore });
  }

  it('answers a bad event with outcome invalid, never an exception', async () => {
    withTickets({});
    expect(await statusHandler({ Name: 'NotAContactFlowEvent' })).toEqual({ outcome: 'invalid' });
    expect(await statusHandler(aContactFlowEvent({}))).toEqual({ outcome: 'invalid' });
    expect(await fileHandler(aContactFlowEvent({ category: 'billing', severity: 'crisis' }))).toMatchObject({
      outcome: 'invalid',
      code: 'INVALID_INPUT',
    });
  });

  it('takes a parameter or attribute Connect sends as null (an unset attribute) as absent, not invalid', async () => {
    let read: string | undefined;
    withTickets({
      get: async (number) => {
        read = number;
        return undefined;
      },
    });
    const event = aContactFlowEvent({ number: '1000028', phoneLast4: null });
    (event.Details.ContactData.Attributes as Record<string, string | null>).ticketNumber = null;
    const answer = await statusHandler(event);
    expect(answer.outcome).not.toBe('invalid');
    expect(read).toBe('1000028');
  });

  it('answers a store failure with outcome failed, which the flow routes to its fallback', async () => {
    withTickets({
      get: async () => {
        throw new Error('ProvisionedThroughputExceededException');
      },
    });
    expect(await statusHandler(aContactFlowEvent({ number: '1000028' }))).toEqual({ outcome: 'failed' });
  });

  it('checks the check digit before touching the store', async () => {
    let reads = 0;
    withTickets({
      get: async () => {
        reads++;
        return undefined;
      },
    });
    const answer = await statusHandler(aContactFlowEvent({ number: '1000027' }));
    expect(answer).toMatchObject({ outcome: 'bad_check_digit' });
    expect(answer.message).toContain('1, 0, 0, 0, 0, 2, 7');
    expect(reads).toBe(0);
  });
});
