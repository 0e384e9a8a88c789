import { Template } from 'aws-cdk-lib/assertions';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { functionSpec, routes } from '#functions/catalog';
import type { HotlineApp } from '#infra/build-app';
import { contactFlows, type FlowContext } from '#infra/flows/index';
import type { FlowDocument } from '#infra/flows/lib/flow-language';
import { buildTestApp, withoutBundling } from './support';

/** Issue 11 in the infrastructure: the incident Lambdas, where the flows call them, and what they may do. */
const symbolic: FlowContext = {
  lambdaArn: (id) => `<lambda:${id}>`,
  queueArn: (queue) => `<queue:${queue}>`,
  hoursArn: (hours) => `<hours:${hours}>`,
};

const render = (name: string): FlowDocument => {
  const factory = contactFlows[name];
  if (!factory) throw new Error(`no flow ${name}`);
  return factory(symbolic);
};

const action = (flow: FlowDocument, id: string) => {
  const found = flow.Actions.find((a) => a.Identifier === id);
  if (!found) throw new Error(`no action ${id}`);
  return found;
};

const lambdasInvoked = (flow: FlowDocument) =>
  flow.Actions.filter((a) => a.Type === 'InvokeLambdaFunction').map((a) => a.Parameters.LambdaFunctionARN);

describe('incident hotline flows', () => {
  it('starts with the incident notice, goes on to the usual start, and records a confirmation', () => {
    const inbound = render('inbound');
    expect(lambdasInvoked(inbound)).toEqual(
      expect.arrayContaining(['<lambda:PhoneIncidentNotice>', '<lambda:PhoneIncidentConfirm>']),
    );
    expect(inbound.StartAction).toBe('incident-lookup');
    // A failed or slow lookup goes on to the usual screening, welcome and menu.
    const lookup = action(inbound, 'incident-lookup');
    expect(lookup.Parameters.InvocationTimeLimitSeconds).toBe('5');
    expect(lookup.Transitions.Errors).toEqual([
      { NextAction: 'caller-lookup', ErrorType: 'NoMatchingError' },
    ]);
    // Welcomed once: with the notice, or by the usual start.
    expect(action(inbound, 'welcome-check').Transitions.Conditions).toEqual([
      { NextAction: 'check-known', Condition: { Operator: 'Equals', Operands: ['true'] } },
    ]);
  });

  it('plays broadcast follow-ups (disregard, all clear, incident update) and records them as heard', () => {
    const broadcast = render('outbound-broadcast');
    expect(broadcast.StartAction).toBe('kind');
    expect(lambdasInvoked(broadcast)).toEqual(
      expect.arrayContaining(['<lambda:BroadcastConfirm>', '<lambda:IncidentCallHeard>']),
    );
  });
});

describe('incident functions in the api stack', () => {
  let hotline: HotlineApp;
  let template: Template;
  let resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;

  beforeAll(() => {
    hotline = buildTestApp(withoutBundling);
    template = Template.fromStack(hotline.api);
    resources = template.toJSON().Resources;
  });

  const actionsOf = (id: string): string[] => {
    const fn = hotline.api.functions.get(id);
    if (!fn) throw new Error(`no function ${id}`);
    const logicalId = hotline.api.getLogicalId(fn.function.node.defaultChild as CfnFunction);
    const resource = resources[logicalId];
    if (!resource) throw new Error(`no resource ${logicalId}`);
    const role = (resource.Properties.Role as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
    return Object.values(resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy')
      .filter((r) => (r.Properties.Roles as { Ref: string }[]).some((x) => x.Ref === role))
      .flatMap(
        (r) => (r.Properties.PolicyDocument as { Statement: { Action: string | string[] }[] }).Statement,
      )
      .flatMap((s) => [s.Action].flat());
  };

  it('deploys the phone Lambdas for Connect and the incidents API', () => {
    for (const id of ['PhoneIncidentNotice', 'PhoneIncidentConfirm', 'IncidentCallHeard', 'IncidentsApi'])
      expect(hotline.api.functions.get(id), id).toBeDefined();
    expect(functionSpec('PhoneIncidentNotice').triggers).toEqual(['contactFlow']);
    // The function may run a little past the flow's 5 s limit, never past Connect's 8 s.
    expect(functionSpec('PhoneIncidentNotice').timeoutSeconds).toBeGreaterThanOrEqual(5);
    expect(functionSpec('PhoneIncidentNotice').timeoutSeconds).toBeLessThanOrEqual(8);
  });

  it('lets the incidents API save updates and notices for the Reactor to mail and call; the notice lookup only reads', () => {
    const api = actionsOf('IncidentsApi');
    expect(api).toEqual(expect.arrayContaining(['dynamodb:PutItem', 'dynamodb:TransactWriteItems']));
    // The mails and calls of a notice are reactions to its events (shared/reactions/incident-reactions.ts).
    expect(
      api.some((a) => a.startsWith('ses:') || a.startsWith('scheduler:') || a.startsWith('connect:')),
    ).toBe(false);
    const notice = actionsOf('PhoneIncidentNotice');
    expect(notice).toEqual(expect.arrayContaining(['dynamodb:Query']));
    expect(notice).not.toContain('dynamodb:PutItem');
    expect(notice.some((a) => a.startsWith('ses:') || a.startsWith('scheduler:'))).toBe(false);
  });

  it('serves the public incident status without a token', () => {
    const route = routes.find((r) => r.path === '/api/status/incidents/{id}');
    expect(route).toMatchObject({ method: 'GET', auth: 'public', functionId: 'IncidentsApi' });
    const found = Object.values(
      template.findResources('AWS::ApiGatewayV2::Route', {
        Properties: { RouteKey: 'GET /api/status/incidents/{id}' },
      }),
    );
    expect(found[0]?.Properties.AuthorizationType).toBe('NONE');
  });
});
