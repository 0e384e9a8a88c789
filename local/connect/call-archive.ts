import type { DatabaseSync as Database } from 'node:sqlite';
import { loadSqlite } from '../sqlite.ts';

/**
 * What the Connect emulator no longer needs in memory: ended calls (the phone simulator's view and the
 * DescribeContact answer), the outbound request log, contact events and callback requests. Kept on disk in
 * SQLite (Node's own `node:sqlite`: no dependency, no native build), so the emulator's memory follows the
 * calls that are live, not the calls it has ever made (a city-wide broadcast makes hundreds of thousands).
 * In a data folder the archive outlives a restart; without a file it is SQLite in memory (still far more
 * compact than the objects it replaces), for an emulator made by a test.
 */
export class CallArchive {
  private readonly db: Database;
  private readonly statements: ReturnType<CallArchive['prepare']>;
  private closed = false;

  constructor(file?: string) {
    this.db = new (loadSqlite('The local Connect emulator keeps ended calls').DatabaseSync)(
      file ?? ':memory:',
    );
    // A local emulator's history: a crash may lose the last writes, never the file; no fsync per call.
    this.db.exec(`
      PRAGMA journal_mode = WAL;
      PRAGMA synchronous = OFF;
      CREATE TABLE IF NOT EXISTS calls (
        id TEXT PRIMARY KEY, seq INTEGER NOT NULL, direction TEXT NOT NULL, phone TEXT NOT NULL, contact TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS calls_by_seq ON calls (seq);
      CREATE TABLE IF NOT EXISTS history (kind TEXT NOT NULL, seq INTEGER NOT NULL, body TEXT NOT NULL,
        PRIMARY KEY (kind, seq));
    `);
    this.statements = this.prepare();
  }

  private prepare() {
    const db = this.db;
    return {
      putCall: db.prepare(
        'INSERT OR REPLACE INTO calls (id, seq, direction, phone, contact) VALUES (?, ?, ?, ?, ?)',
      ),
      getCall: db.prepare('SELECT seq, phone, contact FROM calls WHERE id = ?'),
      callsNewestFirst: db.prepare('SELECT seq, phone FROM calls ORDER BY seq DESC LIMIT ?'),
      callsOfDirection: db.prepare(
        'SELECT seq, phone FROM calls WHERE direction = ? ORDER BY seq DESC LIMIT ?',
      ),
      maxCallSeq: db.prepare('SELECT MAX(seq) AS seq FROM calls'),
      putHistory: db.prepare('INSERT OR REPLACE INTO history (kind, seq, body) VALUES (?, ?, ?)'),
      history: db.prepare('SELECT seq, body FROM history WHERE kind = ? ORDER BY seq'),
      maxHistorySeq: db.prepare('SELECT MAX(seq) AS seq FROM history WHERE kind = ?'),
    };
  }

  /** An ended call: the simulator's view of it and its DescribeContact answer. */
  putCall(call: { id: string; seq: number; direction: string; phone: unknown; contact: unknown }): void {
    this.statements.putCall.run(
      call.id,
      call.seq,
      call.direction,
      JSON.stringify(call.phone),
      JSON.stringify(call.contact),
    );
  }

  getCall<P, C>(id: string): { seq: number; phone: P; contact: C } | undefined {
    const row = this.statements.getCall.get(id) as
      | { seq: number; phone: string; contact: string }
      | undefined;
    return row
      ? { seq: Number(row.seq), phone: JSON.parse(row.phone) as P, contact: JSON.parse(row.contact) as C }
      : undefined;
  }

  /** Ended calls' simulator views with their sequence numbers, the newest first (all, or `limit`). */
  listCalls<P>(direction?: string, limit?: number): { seq: number; phone: P }[] {
    // SQLite: a negative LIMIT is no limit.
    const rows = (
      direction === undefined
        ? this.statements.callsNewestFirst.all(limit ?? -1)
        : this.statements.callsOfDirection.all(direction, limit ?? -1)
    ) as { seq: number; phone: string }[];
    return rows.map((row) => ({ seq: Number(row.seq), phone: JSON.parse(row.phone) as P }));
  }

  /** The highest call sequence number stored (0 for none): numbering goes on after a restart. */
  lastCallSeq(): number {
    return Number((this.statements.maxCallSeq.get() as { seq: number | null }).seq ?? 0);
  }

  /** One entry of an append-only history (`kind`: the outbound log, contact events, callback requests). */
  append(kind: string, seq: number, body: unknown): void {
    this.statements.putHistory.run(kind, seq, JSON.stringify(body));
  }

  history<T>(kind: string): { seq: number; body: T }[] {
    return (this.statements.history.all(kind) as { seq: number; body: string }[]).map((row) => ({
      seq: Number(row.seq),
      body: JSON.parse(row.body) as T,
    }));
  }

  lastSeq(kind: string): number {
    return Number((this.statements.maxHistorySeq.get(kind) as { seq: number | null }).seq ?? 0);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }
}
