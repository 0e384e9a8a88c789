import {
  type HoursName,
  hoursNames,
  hoursOfOperation,
  type QueueName,
  queueNames,
  queues,
} from '#infra/flows/contact-center';
import { contactFlows, type FlowContext, INBOUND_FLOW_NAME } from '#infra/flows/index';
import type { ConnectEmulator, QueueConfig } from '#local/connect/emulator';
import type { HoursOfOperationConfig } from '#local/connect/hours';

export interface LocalHotlineContext {
  /** The local ARN of a catalog function (see local/lambda-host.ts localFunctionArn). */
  readonly lambdaArn: (functionId: string) => string;
  /** Queue settings to change locally, e.g. a tiny capacity or a closed emergency queue in a test. */
  readonly queueOverrides?: Partial<Readonly<Record<QueueName, Partial<QueueConfig>>>>;
  /** Hours to use instead of the contact centre's, e.g. always open in a demo. */
  readonly hoursOverrides?: Partial<Readonly<Record<HoursName, HoursOfOperationConfig>>>;
}

/** Queue and hours ids in the emulator are their names in infra/flows/contact-center.ts. */
export function localFlowContext(connect: ConnectEmulator, ctx: LocalHotlineContext): FlowContext {
  return {
    lambdaArn: ctx.lambdaArn,
    queueArn: (queue) => `${connect.instanceArn}/queue/${queue}`,
    hoursArn: (hours) => `${connect.instanceArn}/operating-hours/${hours}`,
  };
}

/**
 * Registers the contact flows, queues and hours of the hotline in the local Connect emulator and
 * binds the inbound flow to the hotline number. Flow ids are the names in `contactFlows`.
 */
export function configureLocalHotline(connect: ConnectEmulator, ctx: LocalHotlineContext): void {
  for (const name of hoursNames) {
    connect.setHoursOfOperation(name, ctx.hoursOverrides?.[name] ?? hoursOfOperation[name]);
  }
  for (const name of queueNames) {
    const queue = queues[name];
    connect.setQueue(name, {
      name: queue.name,
      capacity: queue.maxContacts,
      hoursOfOperationId: queue.hours,
      ...ctx.queueOverrides?.[name],
    });
  }
  const flowContext = localFlowContext(connect, ctx);
  for (const [name, render] of Object.entries(contactFlows)) connect.registerFlow(name, render(flowContext));
  connect.setInboundFlow(INBOUND_FLOW_NAME);
}
