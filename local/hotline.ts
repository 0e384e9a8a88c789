import {
  AssociatePhoneNumberContactFlowCommand,
  ClaimPhoneNumberCommand,
  type ConnectClient,
  CreateContactFlowCommand,
  CreateHoursOfOperationCommand,
  CreateQueueCommand,
  CreateRoutingProfileCommand,
  CreateUserCommand,
  UpdateContactFlowContentCommand,
  UpdateHoursOfOperationCommand,
  UpdateQueueHoursOfOperationCommand,
  UpdateQueueMaxContactsCommand,
  UpdateRoutingProfileQueuesCommand,
} from '@aws-sdk/client-connect';
import {
  connectHoursConfig,
  type HoursName,
  hoursNames,
  hoursOfOperation,
  type QueueName,
  queueNames,
  queues,
  routingProfileNames,
  routingProfiles,
} from '#infra/flows/contact-center';
import { contactFlows, type FlowContext, INBOUND_FLOW_NAME } from '#infra/flows/index';
import { resourceId } from '#local/connect/control-plane';
import { type ConnectEmulator, DEFAULT_INSTANCE_ID, type QueueConfig } from '#local/connect/emulator';
import type { HoursOfOperationConfig } from '#local/connect/hours';
import type { FlowSessionHost } from '#local/connect/interpreter';
import type { Customer } from '#shared/domain/customer';
import type { CustomerStore } from '#shared/ports/customer-store';

export interface LocalHotlineContext {
  /** The local ARN of a catalog function (see local/lambda-host.ts localFunctionArn). */
  readonly lambdaArn: (functionId: string) => string;
  /** Queue settings to change locally, e.g. a tiny capacity or a closed emergency queue in a test. */
  readonly queueOverrides?: Partial<Readonly<Record<QueueName, Partial<QueueConfig>>>>;
  /** Hours to use instead of the contact centre's, e.g. always open in a demo. */
  readonly hoursOverrides?: Partial<Readonly<Record<HoursName, HoursOfOperationConfig>>>;
  /**
   * The Connect control-plane calls to create the resources with: the SDK over the emulator's HTTP API
   * (what `npm start` does, as CDK does on AWS), or, by default, the same operations in process.
   */
  readonly api?: HotlineProvisioning;
}

type Input = Record<string, unknown>;

/** The Connect operations the hotline's resources are created with (the SDK's inputs and outputs). */
export interface HotlineProvisioning {
  createHoursOfOperation(
    input: Input,
  ): Promise<{ HoursOfOperationId?: string; HoursOfOperationArn?: string }>;
  createQueue(input: Input): Promise<{ QueueId?: string; QueueArn?: string }>;
  createRoutingProfile(input: Input): Promise<{ RoutingProfileId?: string }>;
  createContactFlow(input: Input): Promise<{ ContactFlowId?: string; ContactFlowArn?: string }>;
  claimPhoneNumber(input: Input): Promise<{ PhoneNumberId?: string }>;
  associatePhoneNumberContactFlow(input: Input): Promise<unknown>;
  // A restart with kept data finds the resources there: they are updated in place, as a redeploy does.
  updateHoursOfOperation(input: Input): Promise<unknown>;
  updateQueueMaxContacts(input: Input): Promise<unknown>;
  updateQueueHoursOfOperation(input: Input): Promise<unknown>;
  updateRoutingProfileQueues(input: Input): Promise<unknown>;
  updateContactFlowContent(input: Input): Promise<unknown>;
}

/** Simulated agents of the local desk (Offline until set Available): one per routing profile. */
export const LOCAL_AGENTS = [
  { username: 'dana', profile: 'agents' },
  { username: 'sam', profile: 'supervisors' },
] as const;

/**
 * Creates the local desk's simulated agents (local only: on AWS, staff are users an admin creates and gives
 * a routing profile, see the README), each Offline until set Available.
 */
export async function staffLocalDesk(connect: ConnectEmulator, client: ConnectClient): Promise<void> {
  for (const agent of LOCAL_AGENTS) {
    await createOrUpdate(
      () =>
        client.send(
          new CreateUserCommand({
            InstanceId: connect.instanceId,
            Username: agent.username,
            RoutingProfileId: resourceId(
              connect.instanceId,
              'routing-profile',
              routingProfiles[agent.profile].name,
            ),
            SecurityProfileIds: ['Agent'],
            PhoneConfig: { PhoneType: 'SOFT_PHONE', AfterContactWorkTimeLimit: 30 },
          }),
        ),
      async () => undefined,
    );
  }
}

/** The name each hotline flow has in the instance (as CDK names it). */
export const flowResourceName = (name: string) => `hotline-${name}`;

/**
 * The ids the local instance gives the hotline's flows (derived from their names, see
 * local/connect/control-plane.ts): what the handlers' CONTACT_FLOW_IDS holds, as CDK passes the real ones.
 */
export function localFlowIds(instanceId: string = DEFAULT_INSTANCE_ID): Record<string, string> {
  return Object.fromEntries(
    Object.keys(contactFlows).map((name) => [name, resourceId(instanceId, 'flow', flowResourceName(name))]),
  );
}

/** The operations over the wire: the AWS SDK against the emulator's endpoint (or a real instance). */
export function sdkProvisioning(client: ConnectClient): HotlineProvisioning {
  // The inputs are the SDK's own shapes, built above from the same data CDK reads.
  // biome-ignore lint/suspicious/noExplicitAny: each command takes its own input type
  const as = (input: Input) => input as any;
  return {
    createHoursOfOperation: (input) => client.send(new CreateHoursOfOperationCommand(as(input))),
    createQueue: (input) => client.send(new CreateQueueCommand(as(input))),
    createRoutingProfile: (input) => client.send(new CreateRoutingProfileCommand(as(input))),
    createContactFlow: (input) => client.send(new CreateContactFlowCommand(as(input))),
    claimPhoneNumber: (input) => client.send(new ClaimPhoneNumberCommand(as(input))),
    associatePhoneNumberContactFlow: (input) =>
      client.send(new AssociatePhoneNumberContactFlowCommand(as(input))),
    updateHoursOfOperation: (input) => client.send(new UpdateHoursOfOperationCommand(as(input))),
    updateQueueMaxContacts: (input) => client.send(new UpdateQueueMaxContactsCommand(as(input))),
    updateQueueHoursOfOperation: (input) => client.send(new UpdateQueueHoursOfOperationCommand(as(input))),
    updateRoutingProfileQueues: (input) => client.send(new UpdateRoutingProfileQueuesCommand(as(input))),
    updateContactFlowContent: (input) => client.send(new UpdateContactFlowContentCommand(as(input))),
  };
}

function inProcess(connect: ConnectEmulator): HotlineProvisioning {
  const control = connect.control;
  const call = (method: string, path: string, body: Input) =>
    control.handle(method, path, new URLSearchParams(), body)?.result;
  return {
    createHoursOfOperation: async (input) => {
      const h = control.createHoursOfOperation(input);
      return { HoursOfOperationId: h.HoursOfOperationId, HoursOfOperationArn: h.HoursOfOperationArn };
    },
    createQueue: async (input) => {
      const q = control.createQueue(input);
      return { QueueId: q.QueueId, QueueArn: q.QueueArn };
    },
    createRoutingProfile: async (input) => ({
      RoutingProfileId: control.createRoutingProfile(input).RoutingProfileId,
    }),
    createContactFlow: async (input) => {
      const f = control.createContactFlow(input);
      return { ContactFlowId: f.Id, ContactFlowArn: f.Arn };
    },
    claimPhoneNumber: async (input) => ({ PhoneNumberId: control.claimPhoneNumber(input).PhoneNumberId }),
    associatePhoneNumberContactFlow: async (input) =>
      control.associatePhoneNumberContactFlow(String(input.PhoneNumberId), input),
    // The same operations as over HTTP, by their REST paths.
    updateHoursOfOperation: async ({ InstanceId, HoursOfOperationId, ...body }) =>
      call('POST', `/hours-of-operations/${InstanceId}/${HoursOfOperationId}`, body),
    updateQueueMaxContacts: async ({ InstanceId, QueueId, ...body }) =>
      call('POST', `/queues/${InstanceId}/${QueueId}/max-contacts`, body),
    updateQueueHoursOfOperation: async ({ InstanceId, QueueId, ...body }) =>
      call('POST', `/queues/${InstanceId}/${QueueId}/hours-of-operation`, body),
    updateRoutingProfileQueues: async ({ InstanceId, RoutingProfileId, ...body }) =>
      call('POST', `/routing-profiles/${InstanceId}/${RoutingProfileId}/queues`, body),
    updateContactFlowContent: async ({ InstanceId, ContactFlowId, ...body }) =>
      call('POST', `/contact-flows/${InstanceId}/${ContactFlowId}/content`, body),
  };
}

/** Create, or (found there from an earlier start) update in place; either way the resource's id and ARN. */
async function createOrUpdate<T>(create: () => Promise<T>, update: () => Promise<T>): Promise<T> {
  try {
    return await create();
  } catch (error) {
    if ((error as Error).name !== 'DuplicateResourceException') throw error;
    return update();
  }
}

function required(value: string | undefined, what: string): string {
  if (!value) throw new Error(`Connect answered no ${what}`);
  return value;
}

/**
 * Creates the hotline's hours, queues, routing profiles and contact flows in the local Connect instance
 * and routes the hotline number to the inbound flow, through the same Connect operations CDK's resources
 * use (infra/constructs/contact-center.ts). Returns the flow ids by flow name (CONTACT_FLOW_IDS).
 */
export async function configureLocalHotline(
  connect: ConnectEmulator,
  ctx: LocalHotlineContext,
): Promise<Record<string, string>> {
  const api = ctx.api ?? inProcess(connect);
  const InstanceId = connect.instanceId;
  const hoursArns = new Map<HoursName, { id: string; arn: string }>();
  for (const name of hoursNames) {
    const data = hoursOfOperation[name];
    const input = {
      InstanceId,
      Name: data.name,
      Description: data.description,
      TimeZone: data.timeZone,
      Config: connectHoursConfig(data).map((c) => ({
        Day: c.day,
        StartTime: { Hours: c.startTime.hours, Minutes: c.startTime.minutes },
        EndTime: { Hours: c.endTime.hours, Minutes: c.endTime.minutes },
      })),
    };
    const created = await createOrUpdate(
      () => api.createHoursOfOperation(input),
      async () => {
        const HoursOfOperationId = resourceId(InstanceId, 'hours', data.name);
        await api.updateHoursOfOperation({ ...input, HoursOfOperationId });
        return {
          HoursOfOperationId,
          HoursOfOperationArn: `${connect.instanceArn}/operating-hours/${HoursOfOperationId}`,
        };
      },
    );
    const id = required(created.HoursOfOperationId, 'HoursOfOperationId');
    hoursArns.set(name, { id, arn: required(created.HoursOfOperationArn, 'HoursOfOperationArn') });
    // A local test's hours (dated overrides, always open) replace the contact centre's in process.
    const override = ctx.hoursOverrides?.[name];
    if (override) connect.setHoursOfOperation(id, override);
  }
  const queueArns = new Map<QueueName, { id: string; arn: string }>();
  for (const name of queueNames) {
    const data = queues[name];
    const HoursOfOperationId = hoursArns.get(data.hours)?.id;
    const created = await createOrUpdate(
      () =>
        api.createQueue({
          InstanceId,
          Name: data.name,
          Description: data.description,
          HoursOfOperationId,
          MaxContacts: data.maxContacts,
        }),
      async () => {
        const QueueId = resourceId(InstanceId, 'queue', data.name);
        await api.updateQueueMaxContacts({ InstanceId, QueueId, MaxContacts: data.maxContacts });
        await api.updateQueueHoursOfOperation({ InstanceId, QueueId, HoursOfOperationId });
        return { QueueId, QueueArn: `${connect.instanceArn}/queue/${QueueId}` };
      },
    );
    const id = required(created.QueueId, 'QueueId');
    queueArns.set(name, { id, arn: required(created.QueueArn, 'QueueArn') });
    const override = ctx.queueOverrides?.[name];
    if (override) {
      connect.setQueue(id, {
        name: data.name,
        capacity: data.maxContacts,
        hoursOfOperationId: hoursArns.get(data.hours)?.id,
        ...override,
      } as QueueConfig);
    }
  }
  for (const name of routingProfileNames) {
    const data = routingProfiles[name];
    const QueueConfigs = data.queues.map(({ queue, priority }) => ({
      QueueReference: { QueueId: queueArns.get(queue)?.id, Channel: 'VOICE' },
      Priority: priority,
      Delay: 0,
    }));
    await createOrUpdate(
      () =>
        api.createRoutingProfile({
          InstanceId,
          Name: data.name,
          Description: data.description,
          DefaultOutboundQueueId: queueArns.get(data.outboundQueue)?.id,
          MediaConcurrencies: [{ Channel: 'VOICE', Concurrency: 1 }],
          QueueConfigs,
        }),
      () =>
        api.updateRoutingProfileQueues({
          InstanceId,
          RoutingProfileId: resourceId(InstanceId, 'routing-profile', data.name),
          QueueConfigs,
        }),
    );
  }
  const flowContext: FlowContext = {
    lambdaArn: ctx.lambdaArn,
    queueArn: (queue) => required(queueArns.get(queue)?.arn, `queue ${queue}`),
    hoursArn: (hours) => required(hoursArns.get(hours)?.arn, `hours ${hours}`),
  };
  const flowIds: Record<string, string> = {};
  for (const [name, render] of Object.entries(contactFlows)) {
    const Content = JSON.stringify(render(flowContext));
    const created = await createOrUpdate(
      () =>
        api.createContactFlow({
          InstanceId,
          Name: flowResourceName(name),
          Description: `Complaint hotline: ${name} flow (infra/flows)`,
          Type: 'CONTACT_FLOW',
          Content,
        }),
      async () => {
        const ContactFlowId = resourceId(InstanceId, 'flow', flowResourceName(name));
        await api.updateContactFlowContent({ InstanceId, ContactFlowId, Content });
        return { ContactFlowId };
      },
    );
    flowIds[name] = required(created.ContactFlowId, 'ContactFlowId');
  }
  const number = await api.claimPhoneNumber({
    PhoneNumber: connect.hotlineNumber,
    TargetArn: connect.instanceArn,
  });
  await api.associatePhoneNumberContactFlow({
    PhoneNumberId: required(number.PhoneNumberId, 'PhoneNumberId'),
    InstanceId,
    ContactFlowId: flowIds[INBOUND_FLOW_NAME],
  });
  return flowIds;
}

/**
 * GetCustomerProfile against the desk's customer registry (the local stand-in for Customer Profiles): a
 * search by phone number (`_phone`, `PhoneNumber`) or account (`_account`, `AccountNumber`, `ProfileId`);
 * each read is written to the registry's access log (who: the contact flow, why: the caller's profile).
 */
export function registryProfiles(deps: {
  readonly customers: CustomerStore;
  readonly clock: { now(): Date };
}): NonNullable<FlowSessionHost['customerProfiles']> {
  return async (query) => {
    const found = new Map<string, Customer>();
    const matches: Customer[][] = [];
    for (const { name, value } of query.criteria) {
      const key = name.replace(/^_/, '').toLowerCase();
      let customer: Customer | undefined;
      if (key === 'phone' || key === 'phonenumber') customer = await deps.customers.findByPhone(value);
      else if (key === 'account' || key === 'accountnumber' || key === 'profileid') {
        customer = await deps.customers.get(value);
      } else continue;
      matches.push(customer ? [customer] : []);
    }
    const combined =
      query.logicalOperator === 'AND'
        ? (matches[0] ?? []).filter((c) => matches.every((m) => m.some((x) => x.account === c.account)))
        : matches.flat();
    for (const customer of combined) found.set(customer.account, customer);
    const profiles = [...found.values()];
    for (const customer of profiles) {
      await deps.customers.recordAccess({
        at: deps.clock.now().toISOString(),
        username: 'contact-flow:GetCustomerProfile',
        action: 'read',
        account: customer.account,
      });
    }
    return profiles.map((c) => {
      const [first, ...rest] = c.name.split(' ');
      return {
        ProfileId: c.account,
        AccountNumber: c.account,
        FirstName: first ?? c.name,
        LastName: rest.join(' '),
        PhoneNumber: c.phones[0] ?? '',
        ...(c.email ? { EmailAddress: c.email } : {}),
        Address1: c.address,
        PartyType: 'INDIVIDUAL',
        'Attributes.language': c.language,
      };
    });
  };
}
