import { describe, expect, it } from 'vitest';
import { loadConfig } from '#shared/config';
import { InvalidInputError } from '#shared/domain/errors';
import { newRecipient, previousPeriodAt, type ReportRecipient, reportMail } from '#shared/domain/report-mail';
import { buildReport, type Counters, periodKey } from '#shared/domain/reports';
import { defaultDeadlinePolicy } from '#shared/domain/severity';
import type { Mail, Mailer } from '#shared/ports/mailer';
import type { ReportRecipientStore } from '#shared/ports/report-recipients';
import { sendScheduledReports } from '#shared/use-cases/report-mail';
import { anAdmin } from '#test/fixtures/tickets';

const TZ = 'America/New_York';
const departments = ['billing', 'network'];

describe('report recipients', () => {
  const context = { departments, now: '2026-03-02T09:00:00.000Z', actor: 'ada' };

  it('a department manager names a known department; a general manager none', () => {
    expect(newRecipient('Boss@Example.com', { role: 'general_manager' }, context)).toEqual({
      email: 'boss@example.com',
      role: 'general_manager',
      updatedAt: context.now,
      updatedBy: 'ada',
    });
    expect(
      newRecipient('b@example.com', { role: 'department_manager', department: 'billing' }, context),
    ).toMatchObject({ department: 'billing' });
    const field = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        return error instanceof InvalidInputError ? error.field : 'other error';
      }
      return 'no error';
    };
    expect(field(() => newRecipient('b@example.com', { role: 'department_manager' }, context))).toBe(
      'department',
    );
    expect(
      field(() => newRecipient('b@example.com', { role: 'department_manager', department: 'x' }, context)),
    ).toBe('department');
    expect(
      field(() => newRecipient('b@example.com', { role: 'general_manager', department: 'billing' }, context)),
    ).toBe('department');
  });
});

describe('the period a scheduled run reports', () => {
  it('Monday 08:00 reports the week before, the 1st the month before, 1 January the year before', () => {
    // Monday 9 March 2026, 08:00 in New York (EDT since 8 March) = 12:00Z.
    const monday = '2026-03-09T12:00:00.000Z';
    expect(periodKey('week', previousPeriodAt('week', monday, TZ), TZ)).toBe('2026-W10');
    expect(periodKey('week', monday, TZ)).toBe('2026-W11');
    expect(periodKey('month', previousPeriodAt('month', '2026-04-01T12:00:00.000Z', TZ), TZ)).toBe('2026-03');
    expect(periodKey('year', previousPeriodAt('year', '2027-01-01T13:00:00.000Z', TZ), TZ)).toBe('2026');
    // Run late in a period (a manual run): still the one before.
    expect(periodKey('month', previousPeriodAt('month', '2026-04-30T12:00:00.000Z', TZ), TZ)).toBe('2026-03');
  });
});

const counters: Counters = {
  registered: 4,
  'department:billing': 2,
  'department:network': 1,
  breaches: 2,
  breachPoints: 130,
  'ownerBreaches:department:billing': 1,
  'ownerPoints:department:billing': 50,
  'ownerBreaches:department:network': 1,
  'ownerPoints:department:network': 80,
};
const report = buildReport('week', '2026-W10', TZ, counters, defaultDeadlinePolicy);

describe('the report e-mail', () => {
  const context = { portalUrl: 'https://portal.example', at: '2026-03-08T12:00:00.000Z' };

  it('gives the general manager everything, with the portal link and the CSV', () => {
    const mail = reportMail(report, { email: 'gm@example.com', role: 'general_manager' }, context);
    expect(mail.subject).toBe('Weekly complaint report 2026-W10');
    expect(mail.text).toContain('department:network: 1 missed, 80 points');
    expect(mail.text).toContain('https://portal.example/reports?period=week&at=2026-03-08');
    expect(mail.attachment.filename).toBe('complaints-week-2026-W10.csv');
    expect(mail.attachment.content).toContain('breaches_by_department,billing:points,50');
  });

  it("gives a department manager only their department's part", () => {
    const mail = reportMail(
      report,
      { email: 'b@example.com', role: 'department_manager', department: 'billing' },
      context,
    );
    expect(mail.subject).toBe('Weekly complaint report 2026-W10: billing');
    expect(mail.text).toContain('complaints dispatched to billing: 2');
    expect(mail.text).toContain('deadlines missed by billing: 1, breach points: 50');
    expect(mail.text).toContain('department=billing');
    for (const text of [mail.text, mail.attachment.content]) expect(text).not.toContain('network');
  });
});

class MemoryRecipients implements ReportRecipientStore {
  readonly deliveries = new Map<string, { state: 'sending' | 'sent'; claimedAt: string }>();
  constructor(readonly recipients: ReportRecipient[]) {}
  async list() {
    return [...this.recipients];
  }
  async get(email: string) {
    return this.recipients.find((r) => r.email === email);
  }
  async put(recipient: ReportRecipient) {
    this.recipients.push(recipient);
  }
  async remove() {
    return false;
  }
  async claimDelivery(key: string, now: string, staleBefore: string) {
    const d = this.deliveries.get(key);
    if (d && (d.state === 'sent' || d.claimedAt >= staleBefore)) return false;
    this.deliveries.set(key, { state: 'sending', claimedAt: now });
    return true;
  }
  async markDelivered(key: string) {
    const d = this.deliveries.get(key);
    if (d) d.state = 'sent';
  }
  async releaseDelivery(key: string, claimedAt: string) {
    if (this.deliveries.get(key)?.claimedAt === claimedAt) this.deliveries.delete(key);
  }
}

describe('scheduled delivery', () => {
  const recipient = (email: string, department?: string): ReportRecipient => ({
    email,
    role: department ? 'department_manager' : 'general_manager',
    ...(department ? { department } : {}),
    updatedAt: '2026-01-01T00:00:00.000Z',
    updatedBy: anAdmin().username,
  });

  function setup(failFor: string[] = []) {
    const sent: Mail[] = [];
    const mailer: Mailer = {
      send: async (mail) => {
        if (failFor.includes(mail.to)) throw new Error('SES down');
        sent.push(mail);
      },
    };
    const recipients = new MemoryRecipients([
      recipient('gm@example.com'),
      recipient('b@example.com', 'billing'),
    ]);
    const deps = {
      config: loadConfig({ TABLE_NAME: 'complaint-hotline', PORTAL_URL: 'https://portal.example/' }),
      clock: { now: () => new Date('2026-03-09T12:00:30.000Z') },
      reports: { counters: async (_p: string, key: string) => (key === '2026-W10' ? counters : {}) },
      recipients,
      mailer,
    };
    return { deps, sent, recipients };
  }

  it("sends last week's report once per recipient, with the CSV attached", async () => {
    const { deps, sent } = setup();
    expect(await sendScheduledReports(deps, { period: 'week' })).toEqual({
      period: 'week',
      key: '2026-W10',
      sent: 2,
      skipped: 0,
      failed: 0,
    });
    expect(sent.map((m) => m.to).sort()).toEqual(['b@example.com', 'gm@example.com']);
    expect(sent[0]?.attachments?.[0]).toMatchObject({ contentType: 'text/csv; charset=utf-8' });
    expect(sent.find((m) => m.to === 'gm@example.com')?.text).toContain('https://portal.example/reports?');
    // A duplicate delivery of the schedule sends nothing twice.
    expect(await sendScheduledReports(deps, { period: 'week' })).toMatchObject({ sent: 0, skipped: 2 });
    expect(sent).toHaveLength(2);
  });

  it('a failed send gives its claim back and fails the run, so the retry sends only what is missing', async () => {
    const failing = setup(['b@example.com']);
    await expect(sendScheduledReports(failing.deps, { period: 'week' })).rejects.toThrow(/1 report e-mail/);
    expect(failing.sent.map((m) => m.to)).toEqual(['gm@example.com']);
    const retry = { ...failing.deps, mailer: { send: async (m: Mail) => void failing.sent.push(m) } };
    expect(await sendScheduledReports(retry, { period: 'week' })).toMatchObject({ sent: 1, skipped: 1 });
    expect(failing.sent.map((m) => m.to)).toEqual(['gm@example.com', 'b@example.com']);
  });
});
