import type { DatabaseSync as Database } from 'node:sqlite';
import { loadSqlite } from '../sqlite.ts';
import type { MailDraft, StoredMail } from './mail.ts';

export type IdentityType = 'EMAIL_ADDRESS' | 'DOMAIN';

export interface IdentityRecord {
  /** As created (SES matches identities case-insensitively). */
  readonly name: string;
  readonly type: IdentityType;
  /** Creation order, for listing. */
  readonly seq: number;
  readonly createdAt: Date;
  readonly tags: readonly { readonly Key: string; readonly Value: string }[];
}

/**
 * The SES emulator's sent mail and identities in SQLite (Node's own `node:sqlite`), so its memory does not
 * grow with the mail it has ever sent (a broadcast falls back to e-mail for thousands). In a file it
 * outlives a restart; without one it is SQLite in memory, for an emulator made by a test.
 */
export class MailStore {
  private readonly db: Database;
  private readonly statements: ReturnType<MailStore['prepare']>;
  private lastSeq: number;
  private closed = false;

  constructor(file?: string) {
    this.db = new (loadSqlite('The local SES emulator keeps sent mail').DatabaseSync)(file ?? ':memory:');
    // A local emulator's history: a crash may lose the last writes, never the file; no fsync per mail.
    this.db.exec(`
      PRAGMA journal_mode = WAL;
      PRAGMA synchronous = OFF;
      CREATE TABLE IF NOT EXISTS mails (
        seq INTEGER PRIMARY KEY AUTOINCREMENT, message_id TEXT NOT NULL UNIQUE, at_ms INTEGER NOT NULL,
        mail TEXT NOT NULL, raw BLOB
      );
      CREATE INDEX IF NOT EXISTS mails_by_time ON mails (at_ms);
      CREATE TABLE IF NOT EXISTS identities (
        key TEXT PRIMARY KEY, seq INTEGER NOT NULL UNIQUE, name TEXT NOT NULL, type TEXT NOT NULL,
        created_ms INTEGER NOT NULL, tags TEXT NOT NULL
      );
    `);
    this.statements = this.prepare();
    // AUTOINCREMENT's counter survives DELETE: a reader paging by sequence never sees a number twice.
    this.lastSeq = Number(
      (
        this.db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'mails'").get() as
          | { seq?: number }
          | undefined
      )?.seq ?? 0,
    );
  }

  private prepare() {
    const db = this.db;
    return {
      insertMail: db.prepare('INSERT INTO mails (seq, message_id, at_ms, mail, raw) VALUES (?, ?, ?, ?, ?)'),
      mailsAfter: db.prepare('SELECT seq, mail FROM mails WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?'),
      mailById: db.prepare('SELECT mail FROM mails WHERE message_id = ?'),
      rawById: db.prepare('SELECT raw FROM mails WHERE message_id = ?'),
      count: db.prepare('SELECT COUNT(*) AS n FROM mails'),
      countSince: db.prepare('SELECT COUNT(*) AS n FROM mails WHERE at_ms >= ?'),
      clear: db.prepare('DELETE FROM mails'),
      putIdentity: db.prepare(
        'INSERT INTO identities (key, seq, name, type, created_ms, tags) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      identity: db.prepare('SELECT name, type, seq, created_ms, tags FROM identities WHERE key = ?'),
      identitiesAfter: db.prepare(
        'SELECT name, type, seq, created_ms, tags FROM identities WHERE seq > ? ORDER BY seq',
      ),
      maxIdentitySeq: db.prepare('SELECT MAX(seq) AS seq FROM identities'),
      deleteIdentity: db.prepare('DELETE FROM identities WHERE key = ?'),
    };
  }

  /** Numbers, stamps and keeps one mail; `raw` is a raw mail's MIME text as sent. */
  addMail(draft: MailDraft, stamp: { messageId: string; at: Date }, raw?: Uint8Array): StoredMail {
    const seq = this.lastSeq + 1;
    const mail: StoredMail = { seq, messageId: stamp.messageId, ...draft, at: stamp.at.toISOString() };
    this.statements.insertMail.run(
      seq,
      mail.messageId,
      stamp.at.getTime(),
      JSON.stringify(mail),
      raw ?? null,
    );
    this.lastSeq = seq;
    return mail;
  }

  /**
   * Mails after sequence number `since`, in sending order, at most `limit`, none newer than `upTo`; as the
   * JSON text they are kept in (a listing of thousands is written out without being parsed).
   */
  mailsAfter(since: number, limit: number, upTo = this.lastSeq): { seq: number; json: string }[] {
    return (this.statements.mailsAfter.all(since, upTo, limit) as { seq: number; mail: string }[]).map(
      (row) => ({
        seq: Number(row.seq),
        json: row.mail,
      }),
    );
  }

  mail(messageId: string): StoredMail | undefined {
    const row = this.statements.mailById.get(messageId) as { mail: string } | undefined;
    return row ? (JSON.parse(row.mail) as StoredMail) : undefined;
  }

  /** A raw mail's MIME text; undefined for a simple mail or an unknown id. */
  raw(messageId: string): Uint8Array | undefined {
    const row = this.statements.rawById.get(messageId) as { raw: Uint8Array | null } | undefined;
    return row?.raw ?? undefined;
  }

  count(): number {
    return Number((this.statements.count.get() as { n: number }).n);
  }

  /** Mails accepted at or after `since` (SentLast24Hours). */
  countSince(since: Date): number {
    return Number((this.statements.countSince.get(since.getTime()) as { n: number }).n);
  }

  /** The sequence number of the latest mail ever stored (0 for none), cleared ones included. */
  latestSeq(): number {
    return this.lastSeq;
  }

  /** Forgets every mail (identities stay); returns how many there were. */
  clearMails(): number {
    return Number(this.statements.clear.run().changes);
  }

  addIdentity(identity: Omit<IdentityRecord, 'seq'>): IdentityRecord {
    const seq = Number((this.statements.maxIdentitySeq.get() as { seq: number | null }).seq ?? 0) + 1;
    this.statements.putIdentity.run(
      identity.name.toLowerCase(),
      seq,
      identity.name,
      identity.type,
      identity.createdAt.getTime(),
      JSON.stringify(identity.tags),
    );
    return { ...identity, seq };
  }

  identity(name: string): IdentityRecord | undefined {
    const row = this.statements.identity.get(name.toLowerCase()) as IdentityRow | undefined;
    return row ? identityFromRow(row) : undefined;
  }

  /** Identities created after `since` (a creation sequence number), in creation order. */
  identitiesAfter(since: number): IdentityRecord[] {
    return (this.statements.identitiesAfter.all(since) as unknown as IdentityRow[]).map(identityFromRow);
  }

  /** True when there was one to delete. */
  deleteIdentity(name: string): boolean {
    return Number(this.statements.deleteIdentity.run(name.toLowerCase()).changes) > 0;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }
}

interface IdentityRow {
  name: string;
  type: IdentityType;
  seq: number;
  created_ms: number;
  tags: string;
}

function identityFromRow(row: IdentityRow): IdentityRecord {
  return {
    name: row.name,
    type: row.type,
    seq: Number(row.seq),
    createdAt: new Date(Number(row.created_ms)),
    tags: JSON.parse(row.tags) as IdentityRecord['tags'],
  };
}
