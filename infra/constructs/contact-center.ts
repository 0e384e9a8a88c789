import { Aws, Fn, Stack, Validations } from 'aws-cdk-lib';
import {
  CfnContactFlow,
  CfnHoursOfOperation,
  CfnIntegrationAssociation,
  CfnQueue,
  CfnRoutingProfile,
} from 'aws-cdk-lib/aws-connect';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { AwsCustomResource, AwsCustomResourcePolicy, PhysicalResourceId } from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import {
  connectHoursConfig,
  type HoursName,
  hoursNames,
  hoursOfOperation,
  type QueueName,
  queueNames,
  queues,
  type RoutingProfileName,
  routingProfileNames,
  routingProfiles,
} from '#infra/flows/contact-center';
import {
  type ContactFlowFactory,
  contactFlows,
  type FlowContext,
  INBOUND_FLOW_NAME,
} from '#infra/flows/index';
import type { StageConfig } from '#infra/stage-config';
import type { AppFunction } from './app-function';

export interface ContactCenterProps {
  readonly stage: StageConfig;
  readonly instanceArn: string;
  /** True when the instance belongs to someone else (context `connectInstanceArn`): names get a stage prefix. */
  readonly importedInstance: boolean;
  /** The hotline number; the inbound flow is associated with it. */
  readonly phoneNumber?: { readonly arn: string; readonly address: string };
  /** Every catalog function; those with trigger `contactFlow` are associated with the instance. */
  readonly functions: ReadonlyMap<string, AppFunction>;
  /** The flows to deploy; default every flow of infra/flows/index.ts. */
  readonly flows?: Readonly<Record<string, ContactFlowFactory>>;
}

/** `arn:...:instance/<id>` -> `<id>`; the Connect APIs take ids, CloudFormation gives ARNs. */
export const connectInstanceId = (instanceArn: string): string => Fn.select(1, Fn.split('/', instanceArn));

/**
 * The Amazon Connect side of the hotline in one instance: hours of operation and queues from
 * infra/flows/contact-center.ts, every contact flow of infra/flows/index.ts rendered with CloudFormation
 * references, a Lambda integration and invoke permission for each function with trigger `contactFlow`,
 * and the hotline number pointed at the inbound flow.
 */
export class ContactCenter extends Construct {
  readonly hours: ReadonlyMap<HoursName, CfnHoursOfOperation>;
  readonly queues: ReadonlyMap<QueueName, CfnQueue>;
  /** Give an agent (a Connect user) one of these, or no queued call is ever offered to them. */
  readonly routingProfiles: ReadonlyMap<RoutingProfileName, CfnRoutingProfile>;
  readonly flows: ReadonlyMap<string, CfnContactFlow>;
  readonly instanceId: string;
  private readonly stage: StageConfig;

  constructor(scope: Construct, id: string, props: ContactCenterProps) {
    super(scope, id);
    const { stage, instanceArn } = props;
    this.stage = stage;
    this.instanceId = connectInstanceId(instanceArn);
    const resourceName = (name: string) => (props.importedInstance ? `hotline-${stage.name}-${name}` : name);

    const hours = new Map<HoursName, CfnHoursOfOperation>();
    for (const key of hoursNames) {
      const data = hoursOfOperation[key];
      hours.set(
        key,
        new CfnHoursOfOperation(this, `Hours-${key}`, {
          instanceArn,
          name: resourceName(data.name),
          description: data.description,
          timeZone: data.timeZone,
          config: connectHoursConfig(data).map((c) => ({
            day: c.day,
            startTime: { ...c.startTime },
            endTime: { ...c.endTime },
          })),
        }),
      );
    }
    this.hours = hours;

    const queueMap = new Map<QueueName, CfnQueue>();
    for (const key of queueNames) {
      const data = queues[key];
      const hoursResource = hours.get(data.hours);
      if (!hoursResource) throw new Error(`Queue ${key} names unknown hours ${data.hours}`);
      queueMap.set(
        key,
        new CfnQueue(this, `Queue-${key}`, {
          instanceArn,
          name: resourceName(data.name),
          description: data.description,
          hoursOfOperationArn: hoursResource.attrHoursOfOperationArn,
          maxContacts: data.maxContacts,
          // Callbacks and outbound calls from this queue show the hotline number to the customer.
          ...(props.phoneNumber
            ? { outboundCallerConfig: { outboundCallerIdNumberArn: props.phoneNumber.arn } }
            : {}),
        }),
      );
    }
    this.queues = queueMap;

    // Without a routing profile that contains a queue, no agent is ever offered a call waiting in it.
    const profiles = new Map<RoutingProfileName, CfnRoutingProfile>();
    const queueArn = (queue: QueueName) => (queueMap.get(queue) as CfnQueue).attrQueueArn;
    for (const key of routingProfileNames) {
      const data = routingProfiles[key];
      profiles.set(
        key,
        new CfnRoutingProfile(this, `RoutingProfile-${key}`, {
          instanceArn,
          name: resourceName(data.name),
          description: data.description,
          defaultOutboundQueueArn: queueArn(data.outboundQueue),
          mediaConcurrencies: [{ channel: 'VOICE', concurrency: 1 }],
          queueConfigs: data.queues.map(({ queue, priority }) => ({
            delay: 0,
            priority,
            queueReference: { channel: 'VOICE', queueArn: queueArn(queue) },
          })),
        }),
      );
    }
    this.routingProfiles = profiles;

    // Lambdas a flow may invoke: integration with the instance + resource policy for Connect.
    const integrations: CfnIntegrationAssociation[] = [];
    const flowFunctions = new Map<string, AppFunction>();
    for (const [functionId, fn] of props.functions) {
      if (!fn.spec.triggers?.includes('contactFlow')) continue;
      flowFunctions.set(functionId, fn);
      integrations.push(
        new CfnIntegrationAssociation(this, `Integration-${functionId}`, {
          instanceId: instanceArn,
          integrationType: 'LAMBDA_FUNCTION',
          integrationArn: fn.function.functionArn,
        }),
      );
      fn.function.addPermission('InvokedByConnect', {
        principal: new ServicePrincipal('connect.amazonaws.com'),
        sourceArn: instanceArn,
        sourceAccount: Aws.ACCOUNT_ID,
      });
    }

    const context: FlowContext = {
      lambdaArn: (functionId) => {
        const fn = flowFunctions.get(functionId);
        if (!fn) {
          throw new Error(
            `A contact flow invokes ${functionId}, which is not a catalog function with trigger 'contactFlow'`,
          );
        }
        return fn.function.functionArn;
      },
      queueArn: (queue) => {
        const resource = queueMap.get(queue);
        if (!resource) throw new Error(`A contact flow names unknown queue ${queue}`);
        return resource.attrQueueArn;
      },
      hoursArn: (name) => {
        const resource = hours.get(name);
        if (!resource) throw new Error(`A contact flow names unknown hours ${name}`);
        return resource.attrHoursOfOperationArn;
      },
    };

    const flows = new Map<string, CfnContactFlow>();
    const stack = Stack.of(this);
    for (const [name, render] of Object.entries(props.flows ?? contactFlows)) {
      const flow = new CfnContactFlow(this, `Flow-${name}`, {
        instanceArn,
        name: resourceName(`hotline-${name}`),
        description: `Complaint hotline: ${name} flow (infra/flows)`,
        type: 'CONTACT_FLOW',
        state: 'ACTIVE',
        content: stack.toJsonString(render(context)),
      });
      // Connect checks on create that every Lambda a flow invokes is integrated with the instance.
      for (const integration of integrations) flow.addResourceDependency(integration);
      flows.set(name, flow);
    }
    this.flows = flows;

    const inbound = flows.get(INBOUND_FLOW_NAME);
    if (props.phoneNumber && inbound) this.routeNumberToFlow(props.phoneNumber.arn, inbound);
  }

  /** CloudFormation has no resource for "this number runs that flow": one API call on create/update/delete. */
  private routeNumberToFlow(phoneNumberArn: string, flow: CfnContactFlow): void {
    const phoneNumberId = Fn.select(1, Fn.split('phone-number/', phoneNumberArn));
    const flowId = Fn.select(1, Fn.split('/contact-flow/', flow.attrContactFlowArn));
    const associate = {
      service: 'Connect',
      action: 'associatePhoneNumberContactFlow',
      parameters: { PhoneNumberId: phoneNumberId, InstanceId: this.instanceId, ContactFlowId: flowId },
      physicalResourceId: PhysicalResourceId.of(`${phoneNumberArn}->inbound`),
    };
    new AwsCustomResource(this, 'InboundNumber', {
      onCreate: associate,
      onUpdate: associate,
      onDelete: {
        service: 'Connect',
        action: 'disassociatePhoneNumberContactFlow',
        parameters: { PhoneNumberId: phoneNumberId, InstanceId: this.instanceId },
      },
      policy: AwsCustomResourcePolicy.fromStatements([
        new PolicyStatement({
          actions: ['connect:AssociatePhoneNumberContactFlow', 'connect:DisassociatePhoneNumberContactFlow'],
          resources: [phoneNumberArn, flow.attrContactFlowArn],
        }),
      ]),
      installLatestAwsSdk: false,
      logGroup: new LogGroup(this, 'InboundNumberLogs', {
        retention: this.stage.logRetention,
        removalPolicy: this.stage.removalPolicy,
      }),
    });
    // The provider is one Lambda per stack, shared by every AwsCustomResource, named by this fixed id.
    const provider = Stack.of(this).node.tryFindChild(
      `AWS${AwsCustomResource.PROVIDER_FUNCTION_UUID.replace(/-/g, '')}`,
    );
    if (provider) {
      Validations.of(provider).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason:
          "CDK's custom-resource provider (runs on deploy only) logs through the AWS basic execution policy.",
      });
    }
  }
}
