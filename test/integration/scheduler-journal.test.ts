import {
  appendFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CreateScheduleInput } from '@aws-sdk/client-scheduler';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type FiringContext, SchedulerEmulator, type TargetInvocation } from '#local/scheduler/index';

const REGION = 'eu-west-1';
const ACCOUNT = '123456789012';
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/scheduler-invoke`;
const LAMBDA_ARN = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:first-contact-due`;

const silentLogger = { info: () => {}, warn: () => {}, error: () => {} };

function aSchedule(overrides: Partial<CreateScheduleInput> = {}): CreateScheduleInput {
  return {
    Name: 'ticket-42-first-contact',
    ScheduleExpression: 'at(2030-01-15T10:00:00)',
    FlexibleTimeWindow: { Mode: 'OFF' },
    Target: { Arn: LAMBDA_ARN, RoleArn: ROLE_ARN, Input: '{"ticketId":"42"}' },
    ...overrides,
  };
}

/** Every schedule name, all pages, as a client listing them would see it. */
function listedNames(emulator: SchedulerEmulator, GroupName?: string): string[] {
  const names: string[] = [];
  let NextToken: string | undefined;
  do {
    const page = emulator.listSchedules({ GroupName, MaxResults: 100, NextToken });
    names.push(...(page.Schedules ?? []).map((s) => `${s.GroupName}/${s.Name}`));
    NextToken = page.NextToken;
  } while (NextToken);
  return names;
}

const journalLines = (file: string) => readFileSync(file, 'utf8').split('\n').filter(Boolean);

/** A state file as the emulator wrote it before the journal (version 1, rewritten whole on every change). */
const singleFileState = {
  version: 1,
  groups: [
    {
      Name: 'default',
      Arn: `arn:aws:scheduler:${REGION}:${ACCOUNT}:schedule-group/default`,
      CreationDate: 1894694400000,
      LastModificationDate: 1894694400000,
      Tags: [],
    },
    {
      Name: 'tickets',
      Arn: `arn:aws:scheduler:${REGION}:${ACCOUNT}:schedule-group/tickets`,
      CreationDate: 1894694400000,
      LastModificationDate: 1894694400000,
      Tags: [{ Key: 'team', Value: 'desk' }],
    },
  ],
  schedules: [
    {
      uid: '26015e78-b03b-4958-a50d-d7d1426d16a4',
      Name: 'ticket-7-first-contact',
      GroupName: 'tickets',
      Arn: `arn:aws:scheduler:${REGION}:${ACCOUNT}:schedule/tickets/ticket-7-first-contact`,
      ScheduleExpression: 'at(2030-01-15T10:00:00)',
      State: 'ENABLED',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: { Arn: LAMBDA_ARN, RoleArn: ROLE_ARN, Input: '{"ticketId":"7"}' },
      ActionAfterCompletion: 'NONE',
      CreationDate: 1894694400000,
      LastModificationDate: 1894694400000,
      rateAnchor: 1894694400000,
      nextFireAt: 1894701600000,
    },
    {
      uid: '2917f6c4-3216-4027-b462-5357b5653d68',
      Name: 'ticket-8-callback',
      GroupName: 'default',
      Arn: `arn:aws:scheduler:${REGION}:${ACCOUNT}:schedule/default/ticket-8-callback`,
      ScheduleExpression: 'at(2030-01-15T08:30:00)',
      State: 'ENABLED',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: { Arn: LAMBDA_ARN, RoleArn: ROLE_ARN, Input: '{"ticketId":"8"}' },
      ActionAfterCompletion: 'DELETE',
      CreationDate: 1894694400000,
      LastModificationDate: 1894694400000,
      rateAnchor: 1894694400000,
      nextFireAt: null,
    },
  ],
  deliveries: [
    {
      deliveryId: '27b00eef-6322-4fc5-8dbc-c167a4327b4a',
      scheduleUid: '2917f6c4-3216-4027-b462-5357b5653d68',
      Name: 'ticket-8-callback',
      GroupName: 'default',
      Arn: `arn:aws:scheduler:${REGION}:${ACCOUNT}:schedule/default/ticket-8-callback`,
      Target: { Arn: LAMBDA_ARN, RoleArn: ROLE_ARN, Input: '{"ticketId":"8"}' },
      scheduledAt: 1894696200000,
      attempts: 1,
      firstAttemptAt: 1894696200000,
      nextAttemptAt: 1894696260000,
      lastError: 'Error: down',
    },
  ],
};

describe('Scheduler emulator state on disk (snapshot and journal)', () => {
  let dataDir: string;
  let dataFile: string;
  let journalFile: string;
  let now: Date;
  let invokeTarget: ReturnType<
    typeof vi.fn<(target: TargetInvocation, schedule: FiringContext) => Promise<void>>
  >;

  /** A start of the emulator on the data folder, as `npm start` does after a restart. */
  const startEmulator = () =>
    new SchedulerEmulator({
      clock: { now: () => new Date(now) },
      invokeTarget,
      dataFile,
      region: REGION,
      accountId: ACCOUNT,
      logger: silentLogger,
    });

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'scheduler-journal-'));
    dataFile = join(dataDir, 'scheduler.json');
    journalFile = join(dataDir, 'scheduler.journal.jsonl');
    now = new Date('2030-01-15T08:00:00Z');
    invokeTarget = vi.fn(async () => {});
  });

  afterEach(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('journals each change as one line instead of rewriting the whole state', () => {
    const emulator = startEmulator();
    const snapshotBefore = readFileSync(dataFile, 'utf8');
    const linesBefore = journalLines(journalFile).length;

    for (let i = 0; i < 50; i++) emulator.createSchedule(aSchedule({ Name: `ticket-${i}-first-contact` }));

    expect(journalLines(journalFile).length).toBe(linesBefore + 50);
    expect(readFileSync(dataFile, 'utf8')).toBe(snapshotBefore);
  });

  it('replays deleted schedules, deleted groups and settled deliveries after a restart', async () => {
    const first = startEmulator();
    first.createScheduleGroup({ Name: 'tickets' });
    first.createSchedule(aSchedule({ Name: 'in-group-1', GroupName: 'tickets' }));
    first.createSchedule(aSchedule({ Name: 'in-group-2', GroupName: 'tickets' }));
    for (const name of ['kept', 'deleted', 'fired-and-kept']) first.createSchedule(aSchedule({ Name: name }));
    first.createSchedule(
      aSchedule({
        Name: 'fired-and-deleted',
        ScheduleExpression: 'at(2030-01-15T08:30:00)',
        ActionAfterCompletion: 'DELETE',
      }),
    );
    first.updateSchedule(
      aSchedule({ Name: 'fired-and-kept', ScheduleExpression: 'at(2030-01-15T08:30:00)' }),
    );
    first.deleteSchedule({ Name: 'deleted' });
    first.deleteScheduleGroup({ Name: 'tickets' });
    now = new Date('2030-01-15T08:30:00Z');
    expect(await first.runDue()).toBe(2);

    const second = startEmulator();

    expect(listedNames(second)).toEqual(['default/fired-and-kept', 'default/kept']);
    expect(() => second.getScheduleGroup({ Name: 'tickets' })).toThrow(/does not exist/);
    expect(second.pendingDeliveries()).toEqual([]);
    now = new Date('2030-01-16T08:30:00Z');
    expect(await second.runDue()).toBe(1); // only 'kept' (10:00) is still to fire
    expect(invokeTarget.mock.calls.map(([, schedule]) => schedule.name)).toEqual([
      'fired-and-deleted',
      'fired-and-kept',
      'kept',
    ]);
  });

  it('ignores a line torn by a crash at the end of the journal, and journals cleanly after it', () => {
    const first = startEmulator();
    first.createSchedule(aSchedule({ Name: 'ticket-1-first-contact' }));
    first.createSchedule(aSchedule({ Name: 'ticket-2-first-contact' }));
    appendFileSync(journalFile, '{"change":"schedule-saved","schedule":{"uid":"5b1c', 'utf8');

    const second = startEmulator();
    expect(listedNames(second)).toEqual(['default/ticket-1-first-contact', 'default/ticket-2-first-contact']);
    second.createSchedule(aSchedule({ Name: 'ticket-3-first-contact' }));

    expect(listedNames(startEmulator())).toEqual([
      'default/ticket-1-first-contact',
      'default/ticket-2-first-contact',
      'default/ticket-3-first-contact',
    ]);
  });

  it.each([
    ['a line that is not JSON before the last one', 'not json\n', true, /line 4 is not JSON/],
    [
      'a complete last line that is no known change',
      '{"change":"schedule-renamed"}\n',
      false,
      /line 4 is not valid/,
    ],
  ])(
    'refuses to start on a journal with %s, and leaves it as it is',
    (_label, garbage, moreChanges, error) => {
      const first = startEmulator();
      first.createSchedule(aSchedule({ Name: 'ticket-1-first-contact' }));
      appendFileSync(journalFile, garbage, 'utf8');
      if (moreChanges) first.createSchedule(aSchedule({ Name: 'ticket-2-first-contact' }));
      const journalBefore = readFileSync(journalFile, 'utf8');

      expect(() => startEmulator()).toThrow(error);
      expect(readFileSync(journalFile, 'utf8')).toBe(journalBefore);
    },
  );

  it('refuses to start on a journal whose snapshot is missing', () => {
    startEmulator().createSchedule(aSchedule());
    rmSync(dataFile);

    expect(() => startEmulator()).toThrow(/has no snapshot/);
  });

  it('compacts a long journal into a new snapshot, and a restart restores schedules and pending retries', async () => {
    const first = startEmulator();
    invokeTarget.mockRejectedValueOnce(new Error('down'));
    first.createSchedule(aSchedule({ Name: 'flaky', ScheduleExpression: 'at(2030-01-15T08:00:00)' }));
    await first.runDue(); // 'flaky' fails once and waits for its retry
    for (let i = 0; i < 600; i++) first.createSchedule(aSchedule({ Name: `ticket-${i}-first-contact` }));
    for (let i = 0; i < 450; i++) first.deleteSchedule({ Name: `ticket-${i}-first-contact` });

    const snapshot = JSON.parse(readFileSync(dataFile, 'utf8'));
    expect(snapshot).toMatchObject({ version: 2 });
    expect(snapshot.generation).toBeGreaterThan(1);
    expect(journalLines(journalFile).length).toBeLessThan(1000); // over 1,000 changes were journaled

    const second = startEmulator();
    const expected = [
      'default/flaky',
      ...Array.from({ length: 150 }, (_, i) => `default/ticket-${i + 450}-first-contact`),
    ].sort((a, b) => a.localeCompare(b));
    expect(listedNames(second)).toEqual(expected);
    now = new Date('2030-01-15T08:01:00Z');
    expect(await second.runDue()).toBe(1);
    expect(second.firedLog).toEqual([expect.objectContaining({ name: 'flaky', attempt: 2 })]);
  });

  it('restores the compacted state when a crash came between the new snapshot and the new journal', () => {
    const first = startEmulator();
    for (let i = 0; i < 600; i++) first.createSchedule(aSchedule({ Name: `ticket-${i}-first-contact` }));
    let deleted = 0;
    let journalBeforeCompaction: string | undefined;
    while (journalBeforeCompaction === undefined) {
      const journal = readFileSync(journalFile, 'utf8');
      first.deleteSchedule({ Name: `ticket-${deleted}-first-contact` });
      deleted += 1;
      if (statSync(journalFile).size < journal.length) journalBeforeCompaction = journal;
    }
    // The crash: the snapshot already renamed into place, the journal of the generation before still there,
    // and a temporary file of the interrupted write beside them.
    writeFileSync(journalFile, journalBeforeCompaction, 'utf8');
    writeFileSync(`${journalFile}.4242.interrupted.tmp`, '{"generation":', 'utf8');

    const second = startEmulator();

    const expected = Array.from(
      { length: 600 - deleted },
      (_, i) => `default/ticket-${i + deleted}-first-contact`,
    );
    expect(listedNames(second)).toEqual(expected.sort((a, b) => a.localeCompare(b)));
    expect(readdirSync(dataDir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    second.createSchedule(aSchedule({ Name: 'after-the-crash' }));
    expect(listedNames(startEmulator())).toContain('default/after-the-crash');
  });

  it('migrates a state file of the single-file format, keeping schedules, groups and pending retries', async () => {
    writeFileSync(dataFile, `${JSON.stringify(singleFileState, null, 2)}\n`, 'utf8');

    const migrated = startEmulator();

    expect(migrated.getSchedule({ Name: 'ticket-7-first-contact', GroupName: 'tickets' })).toMatchObject({
      ScheduleExpression: 'at(2030-01-15T10:00:00)',
      Target: { Input: '{"ticketId":"7"}' },
    });
    expect(JSON.parse(readFileSync(dataFile, 'utf8'))).toMatchObject({ version: 2 });
    expect(existsSync(journalFile)).toBe(true);

    const restarted = startEmulator();
    expect(restarted.listTagsForResource({ ResourceArn: singleFileState.groups[1]?.Arn })).toEqual({
      Tags: [{ Key: 'team', Value: 'desk' }],
    });
    expect(listedNames(restarted)).toEqual(['default/ticket-8-callback', 'tickets/ticket-7-first-contact']);
    now = new Date('2030-01-15T08:31:00Z');
    expect(await restarted.runDue()).toBe(1);
    expect(restarted.firedLog).toEqual([expect.objectContaining({ name: 'ticket-8-callback', attempt: 2 })]);
    expect(listedNames(restarted)).toEqual(['tickets/ticket-7-first-contact']); // ActionAfterCompletion DELETE
  });
});
