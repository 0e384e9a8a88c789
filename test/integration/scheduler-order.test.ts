import type { CreateScheduleInput, ListSchedulesInput } from '@aws-sdk/client-scheduler';
import { describe, expect, it, vi } from 'vitest';
import { type FiringContext, SchedulerEmulator, type TargetInvocation } from '#local/scheduler/index';

const ROLE_ARN = 'arn:aws:iam::123456789012:role/scheduler-invoke';
const LAMBDA_ARN = 'arn:aws:lambda:eu-west-1:123456789012:function:first-contact-due';
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

/** The same pseudo-random sequence on every run, so a failure can be replayed. */
function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

function anEmulator(clock: { now(): Date }) {
  const invokeTarget = vi.fn<(target: TargetInvocation, schedule: FiringContext) => Promise<void>>(
    async () => {},
  );
  const emulator = new SchedulerEmulator({ clock, invokeTarget, logger: silentLogger });
  return { emulator, invokeTarget };
}

function listAll(emulator: SchedulerEmulator, query: ListSchedulesInput = {}): string[] {
  const names: string[] = [];
  let NextToken: string | undefined;
  do {
    const page = emulator.listSchedules({ ...query, MaxResults: 100, NextToken });
    names.push(...(page.Schedules ?? []).map((s) => `${s.GroupName}/${s.Name}`));
    NextToken = page.NextToken;
  } while (NextToken);
  return names;
}

const byGroupThenName = (a: { group: string; name: string }, b: { group: string; name: string }) =>
  a.group.localeCompare(b.group) || a.name.localeCompare(b.name);

describe('Scheduler emulator with many schedules', () => {
  it('lists every schedule once, by group then name as localeCompare orders them, across pages and filters', () => {
    const { emulator } = anEmulator({ now: () => new Date('2030-01-15T08:00:00Z') });
    const random = seededRandom(7);
    const alphabet = 'aAbBzZ019-_.';
    emulator.createScheduleGroup({ Name: 'Tickets' });
    emulator.createScheduleGroup({ Name: 'callbacks' });
    const groups = ['default', 'Tickets', 'callbacks'];
    const live = new Map<string, { group: string; name: string; state: 'ENABLED' | 'DISABLED' }>();
    while (live.size < 2500) {
      const group = groups[Math.floor(random() * groups.length)] as string;
      const length = 1 + Math.floor(random() * 6);
      const name = Array.from({ length }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
      if (live.has(`${group}/${name}`)) continue;
      const state = random() < 0.2 ? 'DISABLED' : 'ENABLED';
      emulator.createSchedule(aSchedule({ Name: name, GroupName: group, State: state }));
      live.set(`${group}/${name}`, { group, name, state });
    }
    for (const [key, { group, name }] of [...live].filter(() => random() < 0.3)) {
      emulator.deleteSchedule({ Name: name, GroupName: group });
      live.delete(key);
    }
    const expected = (keep: (s: { group: string; name: string; state: string }) => boolean) =>
      [...live.values()]
        .filter(keep)
        .sort(byGroupThenName)
        .map((s) => `${s.group}/${s.name}`);

    expect(listAll(emulator)).toEqual(expected(() => true));
    expect(listAll(emulator, { GroupName: 'Tickets' })).toEqual(expected((s) => s.group === 'Tickets'));
    expect(listAll(emulator, { NamePrefix: 'a', State: 'DISABLED' })).toEqual(
      expected((s) => s.name.startsWith('a') && s.state === 'DISABLED'),
    );
  });

  it('continues a listing after the last schedule of the page before, even when one is added before it', () => {
    const { emulator } = anEmulator({ now: () => new Date('2030-01-15T08:00:00Z') });
    for (const name of ['a', 'b', 'c', 'd']) emulator.createSchedule(aSchedule({ Name: name }));

    const first = emulator.listSchedules({ MaxResults: 2 });
    emulator.createSchedule(aSchedule({ Name: 'a0' }));
    const second = emulator.listSchedules({ MaxResults: 2, NextToken: first.NextToken });

    expect(first.Schedules?.map((s) => s.Name)).toEqual(['a', 'b']);
    expect(second.Schedules?.map((s) => s.Name)).toEqual(['c', 'd']);
    expect(second.NextToken).toBeUndefined();
  });

  it('fires each enabled schedule once, in due order, after updates, disables, re-enables and deletes', async () => {
    let now = new Date('2030-01-15T00:00:00Z');
    const { emulator, invokeTarget } = anEmulator({ now: () => new Date(now) });
    const random = seededRandom(42);
    const at = (minute: number) => new Date(Date.UTC(2030, 0, 15, 1, minute)).toISOString().slice(0, 19);
    const wanted = new Map<string, { name: string; minute: number; enabled: boolean }>();
    for (let i = 0; i < 400; i++) {
      const name = `ticket-${i}`;
      const minute = Math.floor(random() * 600);
      emulator.createSchedule(aSchedule({ Name: name, ScheduleExpression: `at(${at(minute)})` }));
      wanted.set(name, { name, minute, enabled: true });
    }
    for (const schedule of wanted.values()) {
      const roll = random();
      if (roll < 0.15) {
        schedule.minute = Math.floor(random() * 600);
        emulator.updateSchedule(
          aSchedule({ Name: schedule.name, ScheduleExpression: `at(${at(schedule.minute)})` }),
        );
      } else if (roll < 0.25) {
        schedule.enabled = false;
        emulator.updateSchedule(
          aSchedule({
            Name: schedule.name,
            ScheduleExpression: `at(${at(schedule.minute)})`,
            State: 'DISABLED',
          }),
        );
      } else if (roll < 0.3) {
        emulator.updateSchedule(
          aSchedule({
            Name: schedule.name,
            ScheduleExpression: `at(${at(schedule.minute)})`,
            State: 'DISABLED',
          }),
        );
        emulator.updateSchedule(
          aSchedule({ Name: schedule.name, ScheduleExpression: `at(${at(schedule.minute)})` }),
        );
      } else if (roll < 0.4) {
        emulator.deleteSchedule({ Name: schedule.name });
        wanted.delete(schedule.name);
      }
    }

    for (let step = 0; step <= 12 * 11; step++) {
      now = new Date(Date.UTC(2030, 0, 15, 0, step * 5));
      await emulator.runDue();
    }

    const fired = invokeTarget.mock.calls.map(([, schedule]) => ({
      name: schedule.name,
      minute: (schedule.scheduledTime.getTime() - Date.UTC(2030, 0, 15, 1, 0)) / 60_000,
    }));
    const expected = [...wanted.values()]
      .filter((s) => s.enabled)
      .map(({ name, minute }) => ({ name, minute }))
      .sort((a, b) => a.minute - b.minute || a.name.localeCompare(b.name));
    expect(fired).toEqual(expected);
  });
});
