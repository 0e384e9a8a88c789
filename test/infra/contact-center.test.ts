import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { functions as catalogFunctions, type FunctionSpec } from '#functions/catalog';
import type { HotlineApp } from '#infra/build-app';
import {
  connectHoursConfig,
  hoursOfOperation,
  type QueueName,
  queueNames,
  queues,
  routingProfiles,
} from '#infra/flows/contact-center';
import { contactFlows, type FlowContext, INBOUND_FLOW_NAME } from '#infra/flows/index';
import { buildTestApp, withoutBundling } from './support';

type Resource = { Type: string; Properties: Record<string, unknown>; DependsOn?: string[] };

const functions: readonly FunctionSpec[] = catalogFunctions;
const flowFunctionIds = functions.filter((f) => f.triggers?.includes('contactFlow')).map((f) => f.id);

/** Each flow rendered with readable stand-ins for the ARNs CloudFormation fills in. */
const symbolicContext: FlowContext = {
  lambdaArn: (id) => `<lambda:${id}>`,
  queueArn: (queue) => `<queue:${queue}>`,
  hoursArn: (hours) => `<hours:${hours}>`,
};

/** A `Fn::Join` of a flow's Content with every reference replaced by a stand-in, parsed. */
function contentOf(resource: Resource): { StartAction: string; Actions: { Identifier: string }[] } {
  const content = resource.Properties.Content as string | { 'Fn::Join': [string, unknown[]] };
  const text =
    typeof content === 'string'
      ? content
      : content['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : 'REF')).join('');
  return JSON.parse(text);
}

describe('contact center (created instance)', () => {
  let hotline: HotlineApp;
  let template: Template;
  let resources: Record<string, Resource>;

  beforeAll(() => {
    hotline = buildTestApp(withoutBundling);
    template = Template.fromStack(hotline.api);
    resources = template.toJSON().Resources;
  });

  const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);

  it('has the hours of operation of contact-center.ts', () => {
    const hours = Object.values(hoursOfOperation);
    template.resourceCountIs('AWS::Connect::HoursOfOperation', hours.length);
    for (const data of hours) {
      template.hasResourceProperties('AWS::Connect::HoursOfOperation', {
        Name: data.name,
        TimeZone: data.timeZone,
        Config: connectHoursConfig(data).map((c) => ({
          Day: c.day,
          StartTime: { Hours: c.startTime.hours, Minutes: c.startTime.minutes },
          EndTime: { Hours: c.endTime.hours, Minutes: c.endTime.minutes },
        })),
      });
    }
  });

  it('has each queue with its hours, capacity and the hotline number as caller id', () => {
    template.resourceCountIs('AWS::Connect::Queue', queueNames.length);
    for (const name of queueNames) {
      const data = queues[name];
      const hoursId = hotline.api.getLogicalId(hotline.api.contactCenter.hours.get(data.hours) as never);
      template.hasResourceProperties('AWS::Connect::Queue', {
        Name: data.name,
        MaxContacts: data.maxContacts,
        HoursOfOperationArn: { 'Fn::GetAtt': [hoursId, 'HoursOfOperationArn'] },
        OutboundCallerConfig: { OutboundCallerIdNumberArn: Match.anyValue() },
      });
    }
  });

  it('puts every queue in a routing profile (else no agent is offered its calls): emergencies first', () => {
    const profiles = ofType('AWS::Connect::RoutingProfile');
    expect(profiles).toHaveLength(Object.keys(routingProfiles).length);
    const queueIdOf = (name: QueueName) =>
      hotline.api.getLogicalId(hotline.api.contactCenter.queues.get(name) as never);
    const reached = new Set<string>();
    for (const [, profile] of profiles) {
      const configs = profile.Properties.QueueConfigs as {
        Priority: number;
        QueueReference: { Channel: string; QueueArn: { 'Fn::GetAtt': [string, string] } };
      }[];
      expect(profile.Properties.MediaConcurrencies).toEqual([{ Channel: 'VOICE', Concurrency: 1 }]);
      for (const c of configs) reached.add(c.QueueReference.QueueArn['Fn::GetAtt'][0]);
      const first = configs.reduce((a, b) => (b.Priority < a.Priority ? b : a));
      expect(first.QueueReference.QueueArn['Fn::GetAtt'][0]).toBe(queueIdOf('emergency'));
    }
    expect([...reached].sort()).toEqual(queueNames.map(queueIdOf).sort());
    // The block-listed callers go to supervisors only.
    template.hasResourceProperties('AWS::Connect::RoutingProfile', {
      Name: routingProfiles.agents.name,
      QueueConfigs: Match.not(
        Match.arrayWith([
          Match.objectLike({
            QueueReference: {
              Channel: 'VOICE',
              QueueArn: { 'Fn::GetAtt': [queueIdOf('blocked'), 'QueueArn'] },
            },
          }),
        ]),
      ),
    });
  });

  it('deploys every flow of infra/flows/index.ts, active, as the rendered JSON', () => {
    const flows = ofType('AWS::Connect::ContactFlow');
    expect(flows).toHaveLength(Object.keys(contactFlows).length);
    for (const [name, render] of Object.entries(contactFlows)) {
      const flow = flows.find(([, r]) => r.Properties.Name === `hotline-${name}`);
      expect(flow, name).toBeDefined();
      const [, resource] = flow as [string, Resource];
      expect(resource.Properties).toMatchObject({ Type: 'CONTACT_FLOW', State: 'ACTIVE' });
      const rendered = render(symbolicContext);
      const deployed = contentOf(resource);
      expect(deployed.StartAction).toBe(rendered.StartAction);
      expect(deployed.Actions.map((a) => a.Identifier)).toEqual(rendered.Actions.map((a) => a.Identifier));
    }
  });

  it('lets every Lambda block wait as long as its function may run (else the caller hears the error branch while it commits)', () => {
    const short: string[] = [];
    let blocks = 0;
    for (const [name, render] of Object.entries(contactFlows)) {
      for (const action of render(symbolicContext).Actions) {
        if (action.Type !== 'InvokeLambdaFunction') continue;
        blocks += 1;
        const params = action.Parameters as { LambdaFunctionARN: string; InvocationTimeLimitSeconds: string };
        const id = /^<lambda:(.+)>$/.exec(params.LambdaFunctionARN)?.[1];
        const spec = functions.find((f) => f.id === id);
        expect(spec, `${name}/${action.Identifier}`).toBeDefined();
        if (Number(params.InvocationTimeLimitSeconds) < (spec as FunctionSpec).timeoutSeconds)
          short.push(
            `${name}/${action.Identifier}: waits ${params.InvocationTimeLimitSeconds} s, ${id} runs up to ${spec?.timeoutSeconds} s`,
          );
      }
    }
    expect(blocks).toBeGreaterThan(10);
    expect(short).toEqual([]);
  });

  it('names Lambda and queue ARNs in the flows by CloudFormation reference', () => {
    for (const [, resource] of ofType('AWS::Connect::ContactFlow')) {
      const parts = (resource.Properties.Content as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
      const refs = parts.filter((p) => typeof p !== 'string').map((p) => JSON.stringify(p));
      expect(refs.every((r) => r.includes('Fn::GetAtt'))).toBe(true);
    }
  });

  it('integrates exactly the contactFlow functions with the instance, and lets Connect invoke them', () => {
    const integrations = ofType('AWS::Connect::IntegrationAssociation');
    expect(integrations).toHaveLength(flowFunctionIds.length);
    for (const id of flowFunctionIds) {
      const fn = hotline.api.functions.get(id);
      const fnId = hotline.api.getLogicalId(fn?.function.node.defaultChild as never);
      template.hasResourceProperties('AWS::Connect::IntegrationAssociation', {
        IntegrationType: 'LAMBDA_FUNCTION',
        IntegrationArn: { 'Fn::GetAtt': [fnId, 'Arn'] },
      });
      template.hasResourceProperties('AWS::Lambda::Permission', {
        Action: 'lambda:InvokeFunction',
        Principal: 'connect.amazonaws.com',
        FunctionName: { 'Fn::GetAtt': [fnId, 'Arn'] },
        SourceArn: Match.anyValue(),
        SourceAccount: { Ref: 'AWS::AccountId' },
      });
    }
    const connectPermissions = ofType('AWS::Lambda::Permission').filter(
      ([, r]) => r.Properties.Principal === 'connect.amazonaws.com',
    );
    expect(connectPermissions).toHaveLength(flowFunctionIds.length);
  });

  it('creates each flow after the Lambda integrations it may invoke', () => {
    const integrationIds = ofType('AWS::Connect::IntegrationAssociation').map(([id]) => id);
    for (const [, flow] of ofType('AWS::Connect::ContactFlow')) {
      expect(flow.DependsOn ?? []).toEqual(expect.arrayContaining(integrationIds));
    }
  });

  it('points the hotline number at the inbound flow on deploy', () => {
    expect(Object.keys(contactFlows)).toContain(INBOUND_FLOW_NAME);
    const custom = ofType('Custom::AWS');
    expect(custom).toHaveLength(1);
    const create = JSON.stringify(custom[0]?.[1].Properties.Create);
    expect(create).toContain('associatePhoneNumberContactFlow');
    expect(JSON.stringify(custom[0]?.[1].Properties.Delete)).toContain('disassociatePhoneNumberContactFlow');
    const inboundId = hotline.api.getLogicalId(
      hotline.api.contactCenter.flows.get(INBOUND_FLOW_NAME) as never,
    );
    expect(create).toContain(inboundId);
  });

  it('renders the flows the same every time (snapshot of the flow JSON)', () => {
    const rendered = Object.fromEntries(
      Object.entries(contactFlows).map(([name, render]) => [name, render(symbolicContext)]),
    );
    expect(rendered).toMatchSnapshot();
  });
});

describe('contact center (imported instance, no number)', () => {
  const importedArn = 'arn:aws:connect:eu-west-2:123456789012:instance/0a1b2c3d-0a1b-0a1b-0a1b-0a1b2c3d4e5f';
  let api: Template;
  let stateful: Template;

  beforeAll(() => {
    const hotline = buildTestApp({
      ...withoutBundling,
      connectInstanceArn: importedArn,
      claimPhoneNumber: 'false',
    });
    api = Template.fromStack(hotline.api);
    stateful = Template.fromStack(hotline.stateful);
  });

  it('creates no instance and claims no number', () => {
    stateful.resourceCountIs('AWS::Connect::Instance', 0);
    stateful.resourceCountIs('AWS::Connect::PhoneNumber', 0);
  });

  it('puts stage-prefixed queues and flows into the given instance', () => {
    api.hasResourceProperties('AWS::Connect::Queue', {
      InstanceArn: importedArn,
      Name: `hotline-dev-${queues.general.name}`,
    });
    api.hasResourceProperties('AWS::Connect::ContactFlow', {
      InstanceArn: importedArn,
      Name: `hotline-dev-hotline-${INBOUND_FLOW_NAME}`,
    });
  });

  it('has no number to route, so no custom resource', () => {
    api.resourceCountIs('Custom::AWS', 0);
    const queue = Object.values(api.findResources('AWS::Connect::Queue'))[0];
    expect(queue?.Properties.OutboundCallerConfig).toBeUndefined();
  });
});
