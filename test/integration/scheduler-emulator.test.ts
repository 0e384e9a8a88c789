import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConflictException,
  CreateScheduleCommand,
  type CreateScheduleCommandInput,
  CreateScheduleGroupCommand,
  DeleteScheduleCommand,
  DeleteScheduleGroupCommand,
  GetScheduleCommand,
  GetScheduleGroupCommand,
  ListScheduleGroupsCommand,
  ListSchedulesCommand,
  ListTagsForResourceCommand,
  ResourceNotFoundException,
  SchedulerClient,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateScheduleCommand,
  ValidationException,
} from '@aws-sdk/client-scheduler';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  type DeadLetterEvent,
  type FiringContext,
  SchedulerEmulator,
  type SchedulerServer,
  startSchedulerServer,
  type TargetInvocation,
} from '#local/scheduler/index';

const REGION = 'eu-west-1';
const ACCOUNT = '123456789012';
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/scheduler-invoke`;
const LAMBDA_ARN = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:first-contact-due`;
const DLQ_ARN = `arn:aws:sqs:${REGION}:${ACCOUNT}:scheduler-dlq`;

class FakeClock {
  constructor(private current: Date) {}
  now(): Date {
    return new Date(this.current);
  }
  set(iso: string): void {
    this.current = new Date(iso);
  }
  advanceSeconds(seconds: number): void {
    this.current = new Date(this.current.getTime() + seconds * 1000);
  }
}

const silentLogger = { info: () => {}, warn: () => {}, error: () => {} };

function aSchedule(overrides: Partial<CreateScheduleCommandInput> = {}): CreateScheduleCommandInput {
  return {
    Name: 'ticket-42-first-contact',
    ScheduleExpression: 'at(2030-01-15T10:00:00)',
    FlexibleTimeWindow: { Mode: 'OFF' },
    Target: { Arn: LAMBDA_ARN, RoleArn: ROLE_ARN, Input: '{"ticketId":"42"}' },
    ...overrides,
  };
}

describe('Scheduler emulator over the Scheduler wire protocol', () => {
  let dataDir: string;
  let dataFile: string;
  let clock: FakeClock;
  let invokeTarget: ReturnType<
    typeof vi.fn<(target: TargetInvocation, schedule: FiringContext) => Promise<void>>
  >;
  let deadLetter: ReturnType<typeof vi.fn<(arn: string, event: DeadLetterEvent) => Promise<void>>>;
  let server: SchedulerServer;
  let client: SchedulerClient;

  async function startServer(): Promise<void> {
    server = await startSchedulerServer({
      port: 0,
      clock,
      invokeTarget,
      deadLetter,
      dataFile,
      region: REGION,
      accountId: ACCOUNT,
      logger: silentLogger,
    });
    client = new SchedulerClient({
      region: REGION,
      endpoint: server.url,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
  }

  async function restartServer(): Promise<void> {
    client.destroy();
    await server.close();
    await startServer();
  }

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'scheduler-emulator-'));
    dataFile = join(dataDir, 'nested', 'scheduler.json');
    clock = new FakeClock(new Date('2030-01-15T08:00:00Z'));
    invokeTarget = vi.fn(async () => {});
    deadLetter = vi.fn(async () => {});
    await startServer();
  });

  afterEach(async () => {
    client.destroy();
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  describe('schedule API', () => {
    it('creates, reads, updates, lists and deletes a schedule', async () => {
      const created = await client.send(
        new CreateScheduleCommand(
          aSchedule({
            ScheduleExpression: 'cron(0 9 ? * MON-FRI *)',
            ScheduleExpressionTimezone: 'Europe/Paris',
            Description: 'first contact reminder',
          }),
        ),
      );
      expect(created.ScheduleArn).toBe(
        `arn:aws:scheduler:${REGION}:${ACCOUNT}:schedule/default/ticket-42-first-contact`,
      );

      const fetched = await client.send(new GetScheduleCommand({ Name: 'ticket-42-first-contact' }));
      expect(fetched).toMatchObject({
        Arn: created.ScheduleArn,
        Name: 'ticket-42-first-contact',
        GroupName: 'default',
        State: 'ENABLED',
        ScheduleExpression: 'cron(0 9 ? * MON-FRI *)',
        ScheduleExpressionTimezone: 'Europe/Paris',
        Description: 'first contact reminder',
        FlexibleTimeWindow: { Mode: 'OFF' },
        ActionAfterCompletion: 'NONE',
        Target: {
          Arn: LAMBDA_ARN,
          RoleArn: ROLE_ARN,
          Input: '{"ticketId":"42"}',
          RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 },
        },
      });
      expect(fetched.CreationDate).toEqual(new Date('2030-01-15T08:00:00Z'));

      clock.advanceSeconds(90);
      await client.send(
        new UpdateScheduleCommand(
          aSchedule({ ScheduleExpression: 'rate(5 minutes)', State: 'DISABLED', GroupName: 'default' }),
        ),
      );
      const updated = await client.send(
        new GetScheduleCommand({ Name: 'ticket-42-first-contact', GroupName: 'default' }),
      );
      expect(updated.ScheduleExpression).toBe('rate(5 minutes)');
      expect(updated.State).toBe('DISABLED');
      expect(updated.Description).toBeUndefined(); // an update replaces the whole schedule
      expect(updated.CreationDate).toEqual(new Date('2030-01-15T08:00:00Z'));
      expect(updated.LastModificationDate).toEqual(new Date('2030-01-15T08:01:30Z'));

      const listed = await client.send(new ListSchedulesCommand({ NamePrefix: 'ticket-42' }));
      expect(listed.Schedules).toEqual([
        expect.objectContaining({
          Name: 'ticket-42-first-contact',
          GroupName: 'default',
          State: 'DISABLED',
          Target: { Arn: LAMBDA_ARN },
        }),
      ]);

      await client.send(new DeleteScheduleCommand({ Name: 'ticket-42-first-contact' }));
      await expect(
        client.send(new GetScheduleCommand({ Name: 'ticket-42-first-contact' })),
      ).rejects.toBeInstanceOf(ResourceNotFoundException);
    });

    it('refuses a name already taken in the group with ConflictException, but not in another group', async () => {
      await client.send(new CreateScheduleCommand(aSchedule()));

      const duplicate = client.send(new CreateScheduleCommand(aSchedule()));
      await expect(duplicate).rejects.toBeInstanceOf(ConflictException);
      await expect(duplicate).rejects.toMatchObject({ $metadata: { httpStatusCode: 409 } });

      await client.send(new CreateScheduleGroupCommand({ Name: 'tickets' }));
      const other = await client.send(new CreateScheduleCommand(aSchedule({ GroupName: 'tickets' })));
      expect(other.ScheduleArn).toBe(
        `arn:aws:scheduler:${REGION}:${ACCOUNT}:schedule/tickets/ticket-42-first-contact`,
      );
    });

    it('answers a retried create with the same client token with the first result', async () => {
      const first = await client.send(new CreateScheduleCommand(aSchedule({ ClientToken: 'token-1' })));
      const retry = await client.send(new CreateScheduleCommand(aSchedule({ ClientToken: 'token-1' })));
      expect(retry.ScheduleArn).toBe(first.ScheduleArn);
    });

    it('reports a missing schedule or group with ResourceNotFoundException', async () => {
      await expect(client.send(new GetScheduleCommand({ Name: 'nope' }))).rejects.toBeInstanceOf(
        ResourceNotFoundException,
      );
      await expect(client.send(new DeleteScheduleCommand({ Name: 'nope' }))).rejects.toBeInstanceOf(
        ResourceNotFoundException,
      );
      await expect(
        client.send(new UpdateScheduleCommand(aSchedule({ Name: 'nope' }))),
      ).rejects.toBeInstanceOf(ResourceNotFoundException);
      const missingGroup = client.send(new CreateScheduleCommand(aSchedule({ GroupName: 'no-such-group' })));
      await expect(missingGroup).rejects.toBeInstanceOf(ResourceNotFoundException);
      await expect(missingGroup).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
    });

    it.each([
      ['a bad expression', aSchedule({ ScheduleExpression: 'every 5 minutes' })],
      ['a bad cron', aSchedule({ ScheduleExpression: 'cron(0 9 * * * *)' })],
      ['an unknown time zone', aSchedule({ ScheduleExpressionTimezone: 'Europe/Atlantis' })],
      ['a bad name', aSchedule({ Name: 'ticket 42' })],
      ['a name over 64 characters', aSchedule({ Name: 'x'.repeat(65) })],
      ['a role that is not an IAM role ARN', aSchedule({ Target: { Arn: LAMBDA_ARN, RoleArn: 'admin' } })],
      [
        'too many retries',
        aSchedule({
          Target: { Arn: LAMBDA_ARN, RoleArn: ROLE_ARN, RetryPolicy: { MaximumRetryAttempts: 186 } },
        }),
      ],
      [
        'an EndDate in the past',
        aSchedule({ ScheduleExpression: 'rate(1 hour)', EndDate: new Date('2030-01-01T00:00:00Z') }),
      ],
    ])('refuses %s with ValidationException', async (_label, input) => {
      const attempt = client.send(new CreateScheduleCommand(input));
      await expect(attempt).rejects.toBeInstanceOf(ValidationException);
      await expect(attempt).rejects.toMatchObject({ $metadata: { httpStatusCode: 400 } });
      await expect(client.send(new ListSchedulesCommand({}))).resolves.toMatchObject({ Schedules: [] });
    });

    it('pages through schedules with MaxResults and NextToken, filtered by group and state', async () => {
      await client.send(new CreateScheduleGroupCommand({ Name: 'tickets' }));
      for (const name of ['c', 'a', 'b']) {
        await client.send(new CreateScheduleCommand(aSchedule({ Name: name, GroupName: 'tickets' })));
      }
      await client.send(new CreateScheduleCommand(aSchedule({ Name: 'elsewhere' })));
      await client.send(
        new CreateScheduleCommand(aSchedule({ Name: 'd', GroupName: 'tickets', State: 'DISABLED' })),
      );

      const first = await client.send(
        new ListSchedulesCommand({ GroupName: 'tickets', State: 'ENABLED', MaxResults: 2 }),
      );
      expect(first.Schedules?.map((s) => s.Name)).toEqual(['a', 'b']);
      expect(first.NextToken).toBeDefined();
      const second = await client.send(
        new ListSchedulesCommand({
          GroupName: 'tickets',
          State: 'ENABLED',
          MaxResults: 2,
          NextToken: first.NextToken,
        }),
      );
      expect(second.Schedules?.map((s) => s.Name)).toEqual(['c']);
      expect(second.NextToken).toBeUndefined();

      await expect(client.send(new ListSchedulesCommand({ GroupName: 'ghosts' }))).rejects.toBeInstanceOf(
        ResourceNotFoundException,
      );
    });

    it('keeps a default group and manages others', async () => {
      const created = await client.send(new CreateScheduleGroupCommand({ Name: 'tickets' }));
      expect(created.ScheduleGroupArn).toBe(`arn:aws:scheduler:${REGION}:${ACCOUNT}:schedule-group/tickets`);
      await expect(client.send(new CreateScheduleGroupCommand({ Name: 'tickets' }))).rejects.toBeInstanceOf(
        ConflictException,
      );
      const group = await client.send(new GetScheduleGroupCommand({ Name: 'tickets' }));
      expect(group).toMatchObject({ Name: 'tickets', State: 'ACTIVE', Arn: created.ScheduleGroupArn });

      const groups = await client.send(new ListScheduleGroupsCommand({}));
      expect(groups.ScheduleGroups?.map((g) => g.Name)).toEqual(['default', 'tickets']);

      await client.send(new CreateScheduleCommand(aSchedule({ GroupName: 'tickets' })));
      await client.send(new DeleteScheduleGroupCommand({ Name: 'tickets' }));
      await expect(
        client.send(new GetScheduleCommand({ Name: 'ticket-42-first-contact', GroupName: 'tickets' })),
      ).rejects.toBeInstanceOf(ResourceNotFoundException);
      await expect(client.send(new DeleteScheduleGroupCommand({ Name: 'default' }))).rejects.toBeInstanceOf(
        ValidationException,
      );
    });
  });

  it('tags schedule groups, with the group ARN in the path', async () => {
    const { ScheduleGroupArn } = await client.send(
      new CreateScheduleGroupCommand({ Name: 'tickets', Tags: [{ Key: 'team', Value: 'desk' }] }),
    );
    await client.send(
      new TagResourceCommand({ ResourceArn: ScheduleGroupArn, Tags: [{ Key: 'env', Value: 'local' }] }),
    );
    await client.send(new UntagResourceCommand({ ResourceArn: ScheduleGroupArn, TagKeys: ['team'] }));
    const tags = await client.send(new ListTagsForResourceCommand({ ResourceArn: ScheduleGroupArn }));
    expect(tags.Tags).toEqual([{ Key: 'env', Value: 'local' }]);
  });

  describe('firing', () => {
    it('fires a one-time schedule exactly once, with its input, at its wall time, then deletes it', async () => {
      await client.send(
        new CreateScheduleCommand(
          aSchedule({
            ScheduleExpression: 'at(2030-01-15T10:00:00)',
            ScheduleExpressionTimezone: 'Europe/Paris', // 09:00 UTC
            ActionAfterCompletion: 'DELETE',
          }),
        ),
      );

      clock.set('2030-01-15T08:59:59Z');
      expect(await server.emulator.runDue()).toBe(0);
      expect(invokeTarget).not.toHaveBeenCalled();

      clock.set('2030-01-15T09:00:00Z');
      expect(await server.emulator.runDue()).toBe(1);
      clock.advanceSeconds(3600);
      expect(await server.emulator.runDue()).toBe(0);

      expect(invokeTarget).toHaveBeenCalledTimes(1);
      expect(invokeTarget).toHaveBeenCalledWith(
        { Arn: LAMBDA_ARN, RoleArn: ROLE_ARN, Input: '{"ticketId":"42"}' },
        expect.objectContaining({
          name: 'ticket-42-first-contact',
          group: 'default',
          scheduledTime: new Date('2030-01-15T09:00:00Z'),
          attempt: 1,
        }),
      );
      expect(server.emulator.firedLog).toEqual([
        expect.objectContaining({
          name: 'ticket-42-first-contact',
          group: 'default',
          at: '2030-01-15T09:00:00.000Z',
        }),
      ]);
      await expect(
        client.send(new GetScheduleCommand({ Name: 'ticket-42-first-contact' })),
      ).rejects.toBeInstanceOf(ResourceNotFoundException);
    });

    it('keeps a fired one-time schedule with ActionAfterCompletion NONE, without firing it again', async () => {
      await client.send(new CreateScheduleCommand(aSchedule({ ActionAfterCompletion: 'NONE' })));
      clock.set('2030-01-15T10:00:00Z');
      await server.emulator.runDue();
      clock.advanceSeconds(86_400);
      await server.emulator.runDue();

      expect(invokeTarget).toHaveBeenCalledTimes(1);
      await expect(
        client.send(new GetScheduleCommand({ Name: 'ticket-42-first-contact' })),
      ).resolves.toMatchObject({
        Name: 'ticket-42-first-contact',
      });
    });

    it('fills in context attributes of the input', async () => {
      await client.send(
        new CreateScheduleCommand(
          aSchedule({
            Target: {
              Arn: LAMBDA_ARN,
              RoleArn: ROLE_ARN,
              Input:
                '{"arn":"<aws.scheduler.schedule-arn>","at":"<aws.scheduler.scheduled-time>","n":<aws.scheduler.attempt-number>}',
            },
          }),
        ),
      );
      clock.set('2030-01-15T10:00:30Z');
      await server.emulator.runDue();
      const input = JSON.parse(invokeTarget.mock.calls[0]?.[0].Input ?? 'null');
      expect(input).toEqual({
        arn: `arn:aws:scheduler:${REGION}:${ACCOUNT}:schedule/default/ticket-42-first-contact`,
        at: '2030-01-15T10:00:00Z',
        n: 1,
      });
    });

    it('does not fire a disabled schedule', async () => {
      await client.send(new CreateScheduleCommand(aSchedule({ State: 'DISABLED' })));
      clock.set('2030-01-16T00:00:00Z');
      expect(await server.emulator.runDue()).toBe(0);
      expect(invokeTarget).not.toHaveBeenCalled();
    });

    it('fires a rate schedule that fell behind once for the missed span, then keeps its rhythm', async () => {
      await client.send(
        new CreateScheduleCommand(
          aSchedule({ ScheduleExpression: 'rate(10 minutes)', StartDate: new Date('2030-01-15T08:05:00Z') }),
        ),
      );
      clock.set('2030-01-15T08:05:00Z');
      await server.emulator.runDue();
      clock.set('2030-01-15T09:07:00Z'); // six occurrences missed
      await server.emulator.runDue();
      clock.set('2030-01-15T09:14:59Z');
      await server.emulator.runDue();
      clock.set('2030-01-15T09:15:00Z');
      await server.emulator.runDue();

      expect(invokeTarget.mock.calls.map(([, schedule]) => schedule.scheduledTime.toISOString())).toEqual([
        '2030-01-15T08:05:00.000Z',
        '2030-01-15T08:15:00.000Z',
        '2030-01-15T09:15:00.000Z',
      ]);
    });

    it('fires due schedules in the order they were due', async () => {
      await client.send(
        new CreateScheduleCommand(aSchedule({ Name: 'late', ScheduleExpression: 'at(2030-01-15T09:30:00)' })),
      );
      await client.send(
        new CreateScheduleCommand(
          aSchedule({ Name: 'early', ScheduleExpression: 'at(2030-01-15T09:10:00)' }),
        ),
      );
      await client.send(
        new CreateScheduleCommand(aSchedule({ Name: 'middle', ScheduleExpression: 'cron(20 9 * * ? *)' })),
      );
      clock.set('2030-01-15T12:00:00Z');
      expect(await server.emulator.runDue()).toBe(3);
      expect(invokeTarget.mock.calls.map(([, schedule]) => schedule.name)).toEqual([
        'early',
        'middle',
        'late',
      ]);
    });

    it('retries a failing target on later runs and finally hands the event to the dead-letter queue', async () => {
      invokeTarget.mockRejectedValue(new Error('Lambda throttled'));
      await client.send(
        new CreateScheduleCommand(
          aSchedule({
            ActionAfterCompletion: 'DELETE',
            Target: {
              Arn: LAMBDA_ARN,
              RoleArn: ROLE_ARN,
              Input: '{"ticketId":"42"}',
              RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 },
              DeadLetterConfig: { Arn: DLQ_ARN },
            },
          }),
        ),
      );

      clock.set('2030-01-15T10:00:00Z');
      expect(await server.emulator.runDue()).toBe(1);
      expect(await server.emulator.runDue()).toBe(0); // back-off: no retry at the same instant
      await expect(
        client.send(new GetScheduleCommand({ Name: 'ticket-42-first-contact' })),
      ).resolves.toBeDefined();

      clock.advanceSeconds(60);
      expect(await server.emulator.runDue()).toBe(1);
      expect(deadLetter).not.toHaveBeenCalled();
      clock.advanceSeconds(60);
      expect(await server.emulator.runDue()).toBe(1);
      clock.advanceSeconds(3600);
      expect(await server.emulator.runDue()).toBe(0);

      expect(invokeTarget.mock.calls.map(([, schedule]) => schedule.attempt)).toEqual([1, 2, 3]);
      expect(deadLetter).toHaveBeenCalledTimes(1);
      expect(deadLetter).toHaveBeenCalledWith(
        DLQ_ARN,
        expect.objectContaining({
          scheduleName: 'ticket-42-first-contact',
          targetArn: LAMBDA_ARN,
          attempts: 3,
          exhaustedRetryCondition: 'MaximumRetryAttempts',
          errorMessage: 'Error: Lambda throttled',
          input: '{"ticketId":"42"}',
        }),
      );
      expect(server.emulator.firedLog).toEqual([]);
      expect(server.emulator.givenUpLog).toEqual([
        expect.objectContaining({ deadLettered: true, attempts: 3 }),
      ]);
      await expect(
        client.send(new GetScheduleCommand({ Name: 'ticket-42-first-contact' })),
      ).rejects.toBeInstanceOf(ResourceNotFoundException);
    });

    it('gives up when the event grows older than MaximumEventAgeInSeconds', async () => {
      invokeTarget.mockRejectedValue(new Error('down'));
      await client.send(
        new CreateScheduleCommand(
          aSchedule({
            Target: {
              Arn: LAMBDA_ARN,
              RoleArn: ROLE_ARN,
              RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 120 },
              DeadLetterConfig: { Arn: DLQ_ARN },
            },
          }),
        ),
      );
      for (const iso of [
        '2030-01-15T10:00:00Z',
        '2030-01-15T10:01:00Z',
        '2030-01-15T10:02:00Z',
        '2030-01-15T10:03:00Z',
      ]) {
        clock.set(iso);
        await server.emulator.runDue();
      }
      // Attempts at 10:00, 10:01 and 10:02; a retry at 10:03 would be older than 120 s.
      expect(invokeTarget).toHaveBeenCalledTimes(3);
      expect(deadLetter).toHaveBeenCalledWith(
        DLQ_ARN,
        expect.objectContaining({ exhaustedRetryCondition: 'MaximumEventAgeInSeconds', attempts: 3 }),
      );
    });

    it('delivers on a retry when the target recovers', async () => {
      invokeTarget.mockRejectedValueOnce(new Error('cold start timeout'));
      await client.send(new CreateScheduleCommand(aSchedule()));
      clock.set('2030-01-15T10:00:00Z');
      await server.emulator.runDue();
      clock.advanceSeconds(60);
      await server.emulator.runDue();

      expect(invokeTarget).toHaveBeenCalledTimes(2);
      expect(server.emulator.firedLog).toEqual([
        expect.objectContaining({ attempt: 2, at: '2030-01-15T10:01:00.000Z' }),
      ]);
      expect(deadLetter).not.toHaveBeenCalled();
    });
  });

  describe('persistence', () => {
    it('keeps schedules, groups and pending retries across a restart', async () => {
      await client.send(new CreateScheduleGroupCommand({ Name: 'tickets' }));
      await client.send(
        new CreateScheduleCommand(aSchedule({ GroupName: 'tickets', Description: 'survives' })),
      );
      await client.send(
        new CreateScheduleCommand(
          aSchedule({
            Name: 'flaky',
            ScheduleExpression: 'at(2030-01-15T08:30:00)',
            ActionAfterCompletion: 'DELETE',
          }),
        ),
      );
      invokeTarget.mockRejectedValueOnce(new Error('down'));
      clock.set('2030-01-15T08:30:00Z');
      await server.emulator.runDue(); // 'flaky' fails once and waits for its retry
      expect(JSON.parse(readFileSync(dataFile, 'utf8'))).toMatchObject({ version: 2 }); // the snapshot; changes since are in its journal

      await restartServer();

      await expect(
        client.send(new GetScheduleCommand({ Name: 'ticket-42-first-contact', GroupName: 'tickets' })),
      ).resolves.toMatchObject({ Description: 'survives', ScheduleExpression: 'at(2030-01-15T10:00:00)' });
      await expect(client.send(new GetScheduleGroupCommand({ Name: 'tickets' }))).resolves.toMatchObject({
        Name: 'tickets',
      });

      clock.set('2030-01-15T10:00:00Z');
      await server.emulator.runDue();
      expect(server.emulator.firedLog.map((f) => [f.name, f.attempt])).toEqual([
        ['flaky', 2],
        ['ticket-42-first-contact', 1],
      ]);
      await expect(client.send(new GetScheduleCommand({ Name: 'flaky' }))).rejects.toBeInstanceOf(
        ResourceNotFoundException,
      );
    });
  });

  describe('real-time runner', () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    it('runs due schedules every interval after start() and stops after stop()', async () => {
      vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
      const emulator = new SchedulerEmulator({
        clock,
        invokeTarget,
        logger: silentLogger,
        runIntervalMs: 1000,
      });
      emulator.createSchedule(aSchedule({ Name: 'first', ScheduleExpression: 'at(2030-01-15T08:00:00)' }));

      emulator.start();
      await vi.advanceTimersByTimeAsync(1000);
      expect(await emulator.runDue()).toBe(0); // waits for the interval's run, which already fired 'first'
      expect(invokeTarget).toHaveBeenCalledTimes(1);

      emulator.stop();
      emulator.createSchedule(aSchedule({ Name: 'second', ScheduleExpression: 'at(2030-01-15T08:00:00)' }));
      await vi.advanceTimersByTimeAsync(5000);
      await new Promise((resolve) => setImmediate(resolve));
      expect(invokeTarget).toHaveBeenCalledTimes(1);
    });
  });
});
