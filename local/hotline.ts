import type { ConnectEmulator } from '#local/connect/emulator';

export interface LocalHotlineContext {
  /** The local ARN of a catalog function (see local/lambda-host.ts localFunctionArn). */
  readonly lambdaArn: (functionId: string) => string;
}

/**
 * Registers the contact flows, queues and hours of the hotline in the local Connect emulator.
 * Filled in by the phone work (issue 4) from infra/flows.
 */
export function configureLocalHotline(_connect: ConnectEmulator, _ctx: LocalHotlineContext): void {}
