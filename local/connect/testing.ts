/**
 * Test doubles for driving the Connect emulator without real time or real Lambdas:
 * a clock that only moves when told, and Lambdas that are plain functions.
 */
import type { ConnectContactFlowEvent } from 'aws-lambda';
import type { LambdaInvoker } from './interpreter.ts';

export class FakeClock {
  private ms: number;

  constructor(start: string | Date = '2026-03-02T09:00:00.000Z') {
    this.ms = typeof start === 'string' ? Date.parse(start) : start.getTime();
  }

  now(): Date {
    return new Date(this.ms);
  }

  advance(seconds: number): Date {
    this.ms += seconds * 1000;
    return this.now();
  }
}

export type FakeLambda = (event: ConnectContactFlowEvent) => unknown;

/** Lambdas by ARN; records every invocation with the event Connect would send. */
export class FakeLambdas {
  readonly invocations: { arn: string; event: ConnectContactFlowEvent; timeoutMs: number }[] = [];
  private readonly handlers = new Map<string, FakeLambda>();

  on(arn: string, handler: FakeLambda): this {
    this.handlers.set(arn, handler);
    return this;
  }

  readonly invoke: LambdaInvoker = async (arn, event, timeoutMs) => {
    this.invocations.push({ arn, event: structuredClone(event), timeoutMs });
    const handler = this.handlers.get(arn);
    if (!handler) throw new Error(`no fake Lambda for ${arn}`);
    return handler(event);
  };

  eventsFor(arn: string): ConnectContactFlowEvent[] {
    return this.invocations.filter((i) => i.arn === arn).map((i) => i.event);
  }
}
