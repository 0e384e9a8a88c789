/**
 * The emulator's state on disk: a snapshot (`scheduler.json`) and beside it a journal
 * (`scheduler.journal.jsonl`) of one JSON line per change since that snapshot, so a change costs one
 * appended line however many schedules there are. The journal is folded into a new snapshot once it
 * outgrows the state it describes.
 */
import { randomUUID } from 'node:crypto';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import * as z from 'zod';
import {
  actionsAfterCompletion,
  flexibleTimeWindowSchema,
  scheduleStates,
  tagSchema,
  targetSchema,
} from './validation';

const epochMs = z.number().int();

export const scheduleRecordSchema = z.object({
  /** Stays the same through updates; a schedule deleted and created again gets a new one. */
  uid: z.string(),
  Name: z.string(),
  GroupName: z.string(),
  Arn: z.string(),
  ScheduleExpression: z.string(),
  ScheduleExpressionTimezone: z.string().optional(),
  StartDate: epochMs.optional(),
  EndDate: epochMs.optional(),
  Description: z.string().optional(),
  State: z.enum(scheduleStates),
  FlexibleTimeWindow: flexibleTimeWindowSchema,
  Target: targetSchema,
  ActionAfterCompletion: z.enum(actionsAfterCompletion),
  KmsKeyArn: z.string().optional(),
  ClientToken: z.string().optional(),
  CreationDate: epochMs,
  LastModificationDate: epochMs,
  /** A rate schedule fires at rateAnchor + k * period. */
  rateAnchor: epochMs,
  /** Next occurrence not yet handed to delivery; null once the schedule has nothing left to fire. */
  nextFireAt: epochMs.nullable(),
});
export type ScheduleRecord = z.infer<typeof scheduleRecordSchema>;

export const groupRecordSchema = z.object({
  Name: z.string(),
  Arn: z.string(),
  CreationDate: epochMs,
  LastModificationDate: epochMs,
  Tags: z.array(tagSchema),
});
export type GroupRecord = z.infer<typeof groupRecordSchema>;

/** One occurrence being delivered to its target, kept until it succeeds or is dead-lettered. */
export const deliveryRecordSchema = z.object({
  deliveryId: z.string(),
  scheduleUid: z.string(),
  Name: z.string(),
  GroupName: z.string(),
  Arn: z.string(),
  Target: targetSchema,
  scheduledAt: epochMs,
  attempts: z.number().int().nonnegative(),
  firstAttemptAt: epochMs.nullable(),
  nextAttemptAt: epochMs,
  lastError: z.string().optional(),
});
export type DeliveryRecord = z.infer<typeof deliveryRecordSchema>;

export interface SchedulerState {
  groups: GroupRecord[];
  schedules: ScheduleRecord[];
  deliveries: DeliveryRecord[];
}

const stateMembers = {
  groups: z.array(groupRecordSchema),
  schedules: z.array(scheduleRecordSchema),
  deliveries: z.array(deliveryRecordSchema),
};

/** The single file rewritten whole after every change, as the emulator kept it before the journal. */
const singleFileStateSchema = z.object({ version: z.literal(1), ...stateMembers });

/** `generation` names the journal that continues this snapshot; it goes up by one at each compaction. */
const snapshotSchema = z.object({
  version: z.literal(2),
  generation: z.number().int().positive(),
  ...stateMembers,
});

const savedFileSchema = z.discriminatedUnion('version', [singleFileStateSchema, snapshotSchema]);

/** First line of a journal: the snapshot generation its changes apply to. */
const journalHeaderSchema = z.object({ generation: z.number().int().positive() });

export const journalEntrySchema = z.discriminatedUnion('change', [
  z.object({ change: z.literal('schedule-saved'), schedule: scheduleRecordSchema }),
  z.object({ change: z.literal('schedule-deleted'), group: z.string(), name: z.string() }),
  z.object({ change: z.literal('group-saved'), group: groupRecordSchema }),
  /** Takes the group's schedules with it, as DeleteScheduleGroup does. */
  z.object({ change: z.literal('group-deleted'), name: z.string() }),
  z.object({ change: z.literal('delivery-saved'), delivery: deliveryRecordSchema }),
  z.object({ change: z.literal('delivery-settled'), deliveryId: z.string() }),
  /** The new delivery and its advanced schedule in one line, so a crash cannot keep one without the other. */
  z.object({
    change: z.literal('occurrence-claimed'),
    delivery: deliveryRecordSchema,
    schedule: scheduleRecordSchema,
  }),
]);
export type JournalEntry = z.infer<typeof journalEntrySchema>;

/** A journal shorter than this is never compacted: rewriting a small snapshot often would gain nothing. */
export const MIN_LINES_BEFORE_COMPACTION = 1000;

export const scheduleKey = (group: string, name: string) => `${group}/${name}`;

/** `.local-data/scheduler.json` keeps its journal in `.local-data/scheduler.journal.jsonl`. */
export function journalFileOf(snapshotFile: string): string {
  return `${snapshotFile.replace(/\.json$/, '')}.journal.jsonl`;
}

/**
 * Appends each change to the journal with appendFileSync and no fsync: a crash of the process loses
 * nothing already appended; a power cut may lose the last changes or tear the last line, which loading
 * ignores. Compaction writes the new snapshot first; its rename is the commit point.
 */
export class SchedulerJournal {
  private journalStarted = true;

  private constructor(
    private readonly snapshotFile: string,
    private readonly journalFile: string,
    private generation: number,
    private lines: number,
    private bytes: number,
  ) {}

  /**
   * Loads the snapshot and replays its journal. Nothing on disk yet: an empty state. A single-file
   * state of the format before the journal is migrated to a snapshot. A torn last journal line is cut
   * off; any other line or file that does not parse is an error, never silently replaced by an empty set.
   */
  static open(snapshotFile: string): { saved: SchedulerState; journal: SchedulerJournal } {
    mkdirSync(dirname(snapshotFile), { recursive: true });
    const journalFile = journalFileOf(snapshotFile);
    removeUnfinishedWrites(snapshotFile, journalFile);
    const snapshot = readSnapshot(snapshotFile);
    const journal = readJournal(journalFile);
    if (snapshot === undefined) {
      if (journal !== undefined) {
        throw new Error(`Scheduler journal ${journalFile} has no snapshot ${snapshotFile} to apply to.`);
      }
      const fresh = new SchedulerJournal(snapshotFile, journalFile, 0, 0, 0);
      const saved: SchedulerState = { groups: [], schedules: [], deliveries: [] };
      fresh.compact(saved);
      return { saved, journal: fresh };
    }
    if (journal !== undefined && journal.generation > snapshot.generation) {
      throw new Error(
        `Scheduler journal ${journalFile} continues snapshot generation ${journal.generation}, ` +
          `but ${snapshotFile} is generation ${snapshot.generation}.`,
      );
    }
    // An older journal was left by a crash right after a compaction: the snapshot already holds its changes.
    const continues = journal !== undefined && journal.generation === snapshot.generation;
    const saved = continues ? replay(snapshot.state, journal.entries) : snapshot.state;
    const opened = new SchedulerJournal(
      snapshotFile,
      journalFile,
      snapshot.generation,
      continues ? journal.entries.length : 0,
      continues ? journal.completeBytes : 0,
    );
    if (snapshot.generation === 0) opened.compact(saved);
    else if (!continues) opened.startJournal();
    else if (journal.tornBytes > 0) truncateSync(journalFile, journal.completeBytes);
    return { saved, journal: opened };
  }

  append(entry: JournalEntry): void {
    if (!this.journalStarted) this.startJournal();
    const line = `${JSON.stringify(entry)}\n`;
    try {
      appendFileSync(this.journalFile, line, 'utf8');
    } catch (error) {
      // A partly written line would sit in the middle once later appends succeed: cut it off.
      try {
        truncateSync(this.journalFile, this.bytes);
      } catch {
        // The append's own error is the one to report.
      }
      throw error;
    }
    this.lines += 1;
    this.bytes += Buffer.byteLength(line);
  }

  /** Past this length replaying the journal costs more than the snapshot it would be folded into. */
  isDueForCompaction(liveRecords: number): boolean {
    return this.lines > Math.max(MIN_LINES_BEFORE_COMPACTION, 2 * liveRecords);
  }

  /** Writes `state` as the next snapshot generation and starts its journal empty. */
  compact(state: SchedulerState): void {
    const generation = this.generation + 1;
    replaceFile(this.snapshotFile, `${JSON.stringify({ version: 2, generation, ...state })}\n`);
    this.generation = generation;
    this.lines = 0;
    this.journalStarted = false;
    this.startJournal();
  }

  private startJournal(): void {
    const header = `${JSON.stringify({ generation: this.generation })}\n`;
    replaceFile(this.journalFile, header);
    this.bytes = Buffer.byteLength(header);
    this.journalStarted = true;
  }
}

interface Snapshot {
  /** 0 for a single-file state of the format before the journal. */
  generation: number;
  state: SchedulerState;
}

function readSnapshot(file: string): Snapshot | undefined {
  if (!existsSync(file)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`Scheduler data file ${file} is not valid JSON: ${(error as Error).message}`);
  }
  const result = savedFileSchema.safeParse(parsed);
  if (!result.success) throw new Error(`Scheduler data file ${file} is not valid: ${result.error.message}`);
  const { groups, schedules, deliveries } = result.data;
  return {
    generation: result.data.version === 1 ? 0 : result.data.generation,
    state: { groups, schedules, deliveries },
  };
}

interface JournalContent {
  generation: number;
  entries: JournalEntry[];
  /** Length of the file up to its last newline. */
  completeBytes: number;
  /** What follows the last newline: a line whose write a crash cut short. */
  tornBytes: number;
}

function readJournal(file: string): JournalContent | undefined {
  if (!existsSync(file)) return undefined;
  const content = readFileSync(file);
  const completeBytes = content.lastIndexOf(0x0a) + 1;
  // Not even a whole header: the crash came before anything was journaled.
  if (completeBytes === 0) return undefined;
  const lines = content
    .subarray(0, completeBytes - 1)
    .toString('utf8')
    .split('\n');
  const parseLine = <T>(schema: z.ZodType<T>, index: number): T => {
    let value: unknown;
    try {
      value = JSON.parse(lines[index] ?? '');
    } catch (error) {
      throw new Error(`Scheduler journal ${file} line ${index + 1} is not JSON: ${(error as Error).message}`);
    }
    const result = schema.safeParse(value);
    if (!result.success) {
      throw new Error(`Scheduler journal ${file} line ${index + 1} is not valid: ${result.error.message}`);
    }
    return result.data;
  };
  const { generation } = parseLine(journalHeaderSchema, 0);
  const entries: JournalEntry[] = [];
  for (let index = 1; index < lines.length; index++) entries.push(parseLine(journalEntrySchema, index));
  return { generation, entries, completeBytes, tornBytes: content.length - completeBytes };
}

/** The journal's changes applied in order; a change that was already applied is harmless. */
function replay(state: SchedulerState, entries: readonly JournalEntry[]): SchedulerState {
  const groups = new Map(state.groups.map((g) => [g.Name, g]));
  const schedules = new Map(state.schedules.map((s) => [scheduleKey(s.GroupName, s.Name), s]));
  const deliveries = new Map(state.deliveries.map((d) => [d.deliveryId, d]));
  for (const entry of entries) {
    switch (entry.change) {
      case 'schedule-saved':
        schedules.set(scheduleKey(entry.schedule.GroupName, entry.schedule.Name), entry.schedule);
        break;
      case 'schedule-deleted':
        schedules.delete(scheduleKey(entry.group, entry.name));
        break;
      case 'group-saved':
        groups.set(entry.group.Name, entry.group);
        break;
      case 'group-deleted':
        for (const [key, schedule] of schedules) if (schedule.GroupName === entry.name) schedules.delete(key);
        groups.delete(entry.name);
        break;
      case 'delivery-saved':
        deliveries.set(entry.delivery.deliveryId, entry.delivery);
        break;
      case 'delivery-settled':
        deliveries.delete(entry.deliveryId);
        break;
      case 'occurrence-claimed':
        deliveries.set(entry.delivery.deliveryId, entry.delivery);
        schedules.set(scheduleKey(entry.schedule.GroupName, entry.schedule.Name), entry.schedule);
        break;
    }
  }
  return {
    groups: [...groups.values()],
    schedules: [...schedules.values()],
    deliveries: [...deliveries.values()],
  };
}

/** Written beside the file, then renamed over it: a reader sees the old content or the new, never half. */
function replaceFile(file: string, text: string): void {
  const temp = `${file}.${process.pid}.${randomUUID()}.tmp`;
  try {
    writeFileSync(temp, text, 'utf8');
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

/** Temporary files of a replaceFile that a crash interrupted before its rename. */
function removeUnfinishedWrites(...files: string[]): void {
  const folder = dirname(files[0] ?? '.');
  const prefixes = files.map((file) => `${basename(file)}.`);
  for (const name of readdirSync(folder)) {
    if (name.endsWith('.tmp') && prefixes.some((prefix) => name.startsWith(prefix))) {
      rmSync(join(folder, name), { force: true });
    }
  }
}
