import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConnectClient } from '@aws-sdk/client-connect';
import { functionsTriggeredBy, recurringSchedules, scheduleTimeZone } from '#functions/catalog';
import type { Clock } from '#shared/ports/clock';
import { type ConnectEmulator, type ConnectLimits, createConnectEmulator } from './connect/emulator';
import { startConnectServer } from './connect/server';
import { configureLocalHotline, sdkProvisioning, staffLocalDesk } from './hotline';
import { functionIdFromArn, type LambdaHost, LOCAL_ACCOUNT, localFunctionArn } from './lambda-host';

const LOCAL_SCHEDULER_ROLE = `arn:aws:iam::${LOCAL_ACCOUNT}:role/complaint-hotline-scheduler`;

import { createLexRuntime, LOCAL_HOTLINE_BOT, startLexServer } from './lex/index.ts';
import { createPhoneRoutes, type PhoneRouter } from './phone/routes';
import { SchedulerEmulator } from './scheduler/emulator';
import { createSchedulerHttpHandler } from './scheduler/http';
import { createSesEmulator, startSesServer } from './ses/index.ts';

const DEFAULT_MAIL_FROM = 'complaints@hotline.example.com';
const senderDomain = (address: string) => address.slice(address.lastIndexOf('@') + 1);

export interface LocalEmulators {
  readonly scheduler: SchedulerEmulator;
  readonly connect: ConnectEmulator;
  readonly phoneRoutes: PhoneRouter;
  readonly endpoints: {
    readonly scheduler: string;
    readonly connect: string;
    readonly ses: string;
    readonly lex: string;
  };
  /** Let every emulator act on what the clock has made due (schedules, rings, input time limits). */
  settle(): Promise<void>;
  health(): Promise<Record<string, { status: 'up' | 'down'; endpoint: string; detail?: string }>>;
  stop(): Promise<void>;
}

export interface EmulatorOptions {
  readonly host: string;
  readonly ports: {
    readonly scheduler: number;
    readonly connect: number;
    readonly ses: number;
    /** Amazon Lex V2 runtime (the bot a flow's ConnectParticipantWithLexBot talks to). */
    readonly lex: number;
  };
  readonly clock: Clock;
  readonly lambdas: LambdaHost;
  readonly dataDir?: string;
  readonly log: (line: string) => void;
  /** Create the periodic sweep schedules CDK deploys (default true; a bench of bulk-loaded data turns it off). */
  readonly periodicSweep?: boolean;
  /**
   * The desk's time zone for the catalog's recurring schedules that say `desk` (report e-mails); default
   * DESK_TIME_ZONE of this process, else the config default.
   */
  readonly deskTimeZone?: string;
  /** Connect's quotas for this instance (default: Connect's defaults, 2 calls/s, 10 concurrent). */
  readonly connectLimits?: Partial<ConnectLimits>;
  /** The desk's sender address (MAIL_FROM): its domain is a verified SES identity. */
  readonly mailFrom?: string;
}

async function listen(server: Server, port: number, host: string): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return `http://${host}:${(server.address() as AddressInfo).port}`;
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/**
 * Scheduler, Connect (with the phone simulator) and SES emulators, each on its own port and speaking
 * its AWS wire protocol, wired to the catalog's handlers as the deployed event sources are.
 */
export async function startEmulators(options: EmulatorOptions): Promise<LocalEmulators> {
  const { host, clock, lambdas, log } = options;
  const stops: (() => Promise<void>)[] = [];
  try {
    // Scheduler -> the target function, with the schedule's Input as the event (as the Lambda target does).
    const scheduler = new SchedulerEmulator({
      clock,
      ...(options.dataDir ? { dataFile: join(options.dataDir, 'scheduler.json') } : {}),
      invokeTarget: async (target) => {
        const event: unknown = target.Input === undefined ? {} : JSON.parse(target.Input);
        await lambdas.invoke(functionIdFromArn(target.Arn), event);
      },
      deadLetter: (arn, event) => log(`scheduler: ${event.scheduleName} given up, dead-lettered to ${arn}`),
      logger: {
        info: () => undefined,
        warn: (message) => log(`scheduler: ${message}`),
        error: (message) => log(`scheduler: ${message}`),
      },
    });
    const schedulerServer = createServer(createSchedulerHttpHandler(scheduler));
    const schedulerUrl = await listen(schedulerServer, options.ports.scheduler, host);
    // What CDK deploys besides the one-time schedules: a periodic sweep for each `*Sweep` function.
    const sweeps = options.periodicSweep === false ? [] : functionsTriggeredBy('scheduler');
    for (const functionId of sweeps.filter((id) => id.includes('Sweep'))) {
      const name = `periodic-${functionId}`;
      try {
        scheduler.getSchedule({ Name: name });
      } catch {
        scheduler.createSchedule({
          Name: name,
          ScheduleExpression: 'rate(5 minutes)',
          FlexibleTimeWindow: { Mode: 'OFF' },
          Target: { Arn: localFunctionArn(functionId), RoleArn: LOCAL_SCHEDULER_ROLE, Input: '{}' },
        });
      }
    }
    // The calendar schedules of the catalog (weekly, monthly, yearly report e-mails), as CDK deploys them.
    const deskTimeZone = options.deskTimeZone ?? process.env.DESK_TIME_ZONE;
    for (const { functionId, schedule } of recurringSchedules()) {
      const zone = scheduleTimeZone(schedule, deskTimeZone ? { DESK_TIME_ZONE: deskTimeZone } : {});
      const wanted = {
        Name: `recurring-${functionId}-${schedule.name}`,
        ScheduleExpression: schedule.expression,
        ...(zone ? { ScheduleExpressionTimezone: zone } : {}),
        Description: schedule.description,
        FlexibleTimeWindow: { Mode: 'OFF' as const },
        Target: {
          Arn: localFunctionArn(functionId),
          RoleArn: LOCAL_SCHEDULER_ROLE,
          Input: JSON.stringify(schedule.input),
        },
      };
      let existing: ReturnType<SchedulerEmulator['getSchedule']> | undefined;
      try {
        existing = scheduler.getSchedule({ Name: wanted.Name });
      } catch {
        existing = undefined;
      }
      if (!existing) scheduler.createSchedule(wanted);
      else if (
        existing.ScheduleExpression !== wanted.ScheduleExpression ||
        existing.ScheduleExpressionTimezone !== wanted.ScheduleExpressionTimezone ||
        existing.Target?.Input !== wanted.Target.Input
      ) {
        // Kept from an earlier run (data dir) with another time zone or input: as a redeploy would, replace it.
        scheduler.updateSchedule(wanted);
      }
    }
    scheduler.start();
    stops.push(async () => {
      scheduler.stop();
      await closeServer(schedulerServer);
    });

    // Connect -> flow Lambdas in process; contact events -> the functions the EventBridge rule targets.
    const contactEventTargets = functionsTriggeredBy('connectContactEvents');
    let temporaryFolder: string | undefined;
    const archiveFolder = () => {
      temporaryFolder = mkdtempSync(join(tmpdir(), 'hotline-connect-'));
      return temporaryFolder;
    };
    // The hotline's Lex bot (infra/lex), as the flows' ConnectParticipantWithLexBot blocks reach it.
    const lex = createLexRuntime({ bots: [LOCAL_HOTLINE_BOT], clock });
    const lexServer = await startLexServer({ runtime: lex, host, port: options.ports.lex });
    stops.push(() => lexServer.close());
    const connect = createConnectEmulator({
      clock,
      lex,
      ...(options.dataDir
        ? {
            callJournalFile: join(options.dataDir, 'connect-calls.jsonl'),
            // Flows, queues, numbers... created through the API (the hotline's, and any a user loads) stay.
            stateFile: join(options.dataDir, 'connect-instance.json'),
          }
        : {}),
      // Ended calls on disk: in the data folder, or a temporary one for an in-memory desk.
      archiveFile: join(options.dataDir ?? archiveFolder(), 'connect-archive.sqlite'),
      ...(options.connectLimits ? { limits: options.connectLimits } : {}),
      invokeLambda: (arn, event) => lambdas.invoke(functionIdFromArn(arn), event),
      emitContactEvent: async (event) => {
        for (const functionId of contactEventTargets) {
          await lambdas.invoke(functionId, event).catch((error: unknown) => {
            log(`connect: contact event to ${functionId} failed: ${(error as Error).message}`);
          });
        }
      },
      log: (message) => log(`connect: ${message}`),
    });
    stops.push(async () => {
      connect.close();
      if (temporaryFolder) rmSync(temporaryFolder, { recursive: true, force: true });
    });
    const phoneRoutes = createPhoneRoutes(connect);
    const connectServer = await startConnectServer({
      emulator: connect,
      host,
      port: options.ports.connect,
      extraRoutes: phoneRoutes,
    });
    stops.push(() => connectServer.close());
    // The hotline's Connect resources, created through the Connect API as CDK creates them on AWS.
    const provisioningClient = new ConnectClient({
      endpoint: connectServer.url,
      region: connect.region,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    try {
      await configureLocalHotline(connect, {
        lambdaArn: localFunctionArn,
        api: sdkProvisioning(provisioningClient),
      });
      await staffLocalDesk(connect, provisioningClient);
    } finally {
      provisioningClient.destroy();
    }
    // Input time limits and rings follow real time too, for a person at the phone simulator.
    const connectTimer = setInterval(() => void connect.tick(), 500);
    connectTimer.unref();
    stops.push(async () => clearInterval(connectTimer));

    // SES v2 (sent mail readable at GET /store): kept in SQLite, in the data folder when there is one.
    const ses = createSesEmulator({
      clock,
      region: connect.region,
      accountId: LOCAL_ACCOUNT,
      ...(options.dataDir ? { storeFile: join(options.dataDir, 'ses-mail.sqlite') } : {}),
      // The desk's sender domain, verified as the deployed identity is (infra/constructs/mail.ts).
      verifiedIdentities: [senderDomain(options.mailFrom ?? DEFAULT_MAIL_FROM)],
      log: (line) => log(`ses: ${line}`),
    });
    stops.push(async () => ses.close());
    const sesServer = await startSesServer({ host, port: options.ports.ses, emulator: ses });
    const sesUrl = sesServer.url;
    stops.push(() => sesServer.close());

    const probe = async (endpoint: string, path: string) => {
      try {
        const res = await fetch(`${endpoint}${path}`, { signal: AbortSignal.timeout(2000) });
        await res.arrayBuffer();
        return { status: 'up' as const, endpoint };
      } catch (error) {
        return { status: 'down' as const, endpoint, detail: (error as Error).name };
      }
    };

    return {
      scheduler,
      connect,
      phoneRoutes,
      endpoints: { scheduler: schedulerUrl, connect: connectServer.url, ses: sesUrl, lex: lexServer.url },
      settle: async () => {
        await connect.tick();
        await connect.whenIdle();
        await scheduler.runDue();
        await connect.tick();
        await connect.whenIdle();
      },
      health: async () => ({
        scheduler: await probe(schedulerUrl, '/schedule-groups'),
        connect: await probe(connectServer.url, '/local/phone/calls'),
        ses: await probe(sesUrl, '/health-check'),
        lex: await probe(lexServer.url, '/'),
      }),
      stop: async () => {
        for (const stop of stops.reverse()) await stop();
      },
    };
  } catch (error) {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    throw error;
  }
}
