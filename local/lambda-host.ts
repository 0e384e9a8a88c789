import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import { functionSpec, functions } from '#functions/catalog';

export const LOCAL_REGION = 'eu-west-1';
export const LOCAL_ACCOUNT = '000000000000';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

export class LambdaTimeoutError extends Error {
  override readonly name = 'LambdaTimeoutError';
}

/** The local ARN of a catalog function, as flows and schedules name it. */
export function localFunctionArn(functionId: string): string {
  return `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${functionId}`;
}

export function functionIdFromArn(arn: string): string {
  const id = arn.split(':function:')[1]?.split(':')[0];
  if (!id || !functions.some((f) => f.id === id)) throw new Error(`No local function for ${arn}`);
  return id;
}

/**
 * Runs the catalog's Lambda handlers in this process, as Lambda would: the module is
 * loaded once (a cold start), each invocation gets a context and the function's timeout.
 */
export class LambdaHost {
  private readonly loaded = new Map<string, Promise<Handler>>();
  private readonly running = new Set<Promise<unknown>>();

  constructor(private readonly repoRoot: string) {}

  private handlerOf(functionId: string): Promise<Handler> {
    let handler = this.loaded.get(functionId);
    if (!handler) {
      const spec = functionSpec(functionId);
      handler = import(pathToFileURL(resolve(this.repoRoot, spec.entry)).href).then(
        (mod: { handler?: Handler }) => {
          if (typeof mod.handler !== 'function') throw new Error(`${spec.entry} exports no handler`);
          return mod.handler;
        },
      );
      this.loaded.set(functionId, handler);
    }
    return handler;
  }

  /** Resolves when no invocation is running (those started meanwhile included). */
  async whenIdle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  invoke<T = unknown>(functionId: string, event: unknown): Promise<T> {
    const run = this.run<T>(functionId, event);
    this.running.add(run);
    const done = () => this.running.delete(run);
    run.then(done, done);
    return run;
  }

  private async run<T>(functionId: string, event: unknown): Promise<T> {
    const spec = functionSpec(functionId);
    const handler = await this.handlerOf(functionId);
    const started = Date.now();
    const timeoutMs = spec.timeoutSeconds * 1000;
    const context = {
      callbackWaitsForEmptyEventLoop: false,
      functionName: spec.id,
      functionVersion: '$LATEST',
      invokedFunctionArn: localFunctionArn(spec.id),
      memoryLimitInMB: String(spec.memoryMb),
      awsRequestId: randomUUID(),
      logGroupName: `/aws/lambda/${spec.id}`,
      logStreamName: 'local',
      getRemainingTimeInMillis: () => Math.max(0, timeoutMs - (Date.now() - started)),
      done: () => undefined,
      fail: () => undefined,
      succeed: () => undefined,
    } satisfies Context;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new LambdaTimeoutError(`${spec.id} timed out after ${spec.timeoutSeconds}s`)),
        timeoutMs,
      );
    });
    try {
      return (await Promise.race([handler(event, context), timeout])) as T;
    } finally {
      clearTimeout(timer);
    }
  }
}
