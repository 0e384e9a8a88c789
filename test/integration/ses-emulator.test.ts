import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  CreateEmailIdentityCommand,
  DeleteEmailIdentityCommand,
  GetAccountCommand,
  GetEmailIdentityCommand,
  ListEmailIdentitiesCommand,
  SESv2Client,
  SendEmailCommand,
  type SendEmailCommandInput,
} from '@aws-sdk/client-sesv2';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createSesEmulator,
  type SesEmulatorOptions,
  type StoredMail,
  startSesServer,
} from '#local/ses/index';

const REGION = 'eu-west-1';
const SENDER = 'complaints@hotline.example.com';
const CUSTOMER = 'erika.mustermann@mail.example.org';
const MONDAY_MORNING = '2026-03-02T09:00:00.000Z';
const credentials = { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local-secret' };

/** Simulated time that moves only when the test moves it. */
function aClock(start = MONDAY_MORNING) {
  let ms = Date.parse(start);
  return {
    now: () => new Date(ms),
    advance: (seconds: number) => {
      ms += seconds * 1000;
    },
  };
}

interface Desk {
  readonly url: string;
  readonly ses: SESv2Client;
  readonly clock: ReturnType<typeof aClock>;
  stop(): Promise<void>;
}

const running: Desk[] = [];

/** An SES emulator on a free port with the desk's domain verified, and an SDK client pointed at it. */
async function anSes(options: Partial<SesEmulatorOptions> = {}): Promise<Desk> {
  const clock = aClock();
  const emulator = createSesEmulator({
    clock,
    region: REGION,
    verifiedIdentities: ['hotline.example.com'],
    ...options,
  });
  const server = await startSesServer({ host: '127.0.0.1', port: 0, emulator });
  const ses = new SESv2Client({ region: REGION, credentials, endpoint: server.url });
  let stopped = false;
  const desk = {
    url: server.url,
    ses,
    clock,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      ses.destroy();
      await server.close();
      emulator.close();
    },
  };
  running.push(desk);
  return desk;
}

afterEach(async () => {
  for (const desk of running.splice(0)) await desk.stop();
});

function aMail(overrides: Partial<SendEmailCommandInput> = {}): SendEmailCommandInput {
  return {
    FromEmailAddress: SENDER,
    Destination: { ToAddresses: [CUSTOMER] },
    Content: {
      Simple: {
        Subject: { Data: 'Your complaint C-1042', Charset: 'UTF-8' },
        Body: { Text: { Data: 'We received your complaint.', Charset: 'UTF-8' } },
      },
    },
    ...overrides,
  };
}

async function storeOf(desk: Desk, query = ''): Promise<{ emails: StoredMail[]; next?: number }> {
  const res = await fetch(`${desk.url}/store${query}`);
  expect(res.status).toBe(200);
  return (await res.json()) as { emails: StoredMail[]; next?: number };
}

/** How SES refused a request, as the SDK reports it. */
async function refusal(
  request: Promise<unknown>,
): Promise<{ name: string; message: string; status?: number }> {
  try {
    await request;
  } catch (error) {
    const e = error as Error & { $metadata?: { httpStatusCode?: number } };
    return { name: e.name, message: e.message, status: e.$metadata?.httpStatusCode };
  }
  throw new Error('SES accepted a request it should have refused');
}

describe('the SES emulator through the AWS SDK', () => {
  it('accepts a mail from a verified sender and shows it in the store at the simulated time', async () => {
    const desk = await anSes();
    desk.clock.advance(90);

    const sent = await desk.ses.send(
      new SendEmailCommand(
        aMail({
          Destination: { ToAddresses: [CUSTOMER], CcAddresses: ['billing@hotline.example.com'] },
          ReplyToAddresses: ['replies@hotline.example.com'],
          Content: {
            Simple: {
              Subject: { Data: 'Your complaint C-1042' },
              Body: { Text: { Data: 'We received it.' }, Html: { Data: '<p>We received it.</p>' } },
            },
          },
        }),
      ),
    );

    const { emails } = await storeOf(desk);
    expect(sent.MessageId).toMatch(/^[0-9a-f]{16}-[0-9a-f-]{36}-000000$/);
    expect(emails).toEqual([
      {
        seq: 1,
        messageId: sent.MessageId,
        from: SENDER,
        replyTo: ['replies@hotline.example.com'],
        destination: { to: [CUSTOMER], cc: ['billing@hotline.example.com'], bcc: [] },
        subject: 'Your complaint C-1042',
        body: { text: 'We received it.', html: '<p>We received it.</p>' },
        attachments: [],
        content: 'Simple',
        at: '2026-03-02T09:01:30.000Z',
      },
    ]);
  });

  it.each([
    ['a sender that is not an address', aMail({ FromEmailAddress: 'complaints desk' }), 'FromEmailAddress:'],
    ['no sender', aMail({ FromEmailAddress: undefined }), 'FromEmailAddress:'],
    ['no recipient', aMail({ Destination: { ToAddresses: [] } }), 'Destination:'],
    ['no destination at all', aMail({ Destination: undefined }), 'Destination:'],
    [
      'a recipient that is not an address',
      aMail({ Destination: { ToAddresses: [CUSTOMER], CcAddresses: ['billing at hotline'] } }),
      'Destination.CcAddresses[0]:',
    ],
    [
      'more than 50 recipients',
      aMail({
        Destination: { BccAddresses: Array.from({ length: 51 }, (_, i) => `c${i}@mail.example.org`) },
      }),
      'Recipient count exceeds 50',
    ],
    [
      'no subject',
      aMail({ Content: { Simple: { Subject: undefined as never, Body: { Text: { Data: 'x' } } } } }),
      'Content.Simple.Subject:',
    ],
    ['no body', aMail({ Content: { Simple: { Subject: { Data: 'x' }, Body: {} } } }), 'Content.Simple.Body:'],
    [
      'template content',
      aMail({ Content: { Template: { TemplateName: 'complaint-received', TemplateData: '{}' } } }),
      'Content.Template:',
    ],
  ])('refuses a mail with %s as BadRequestException naming the field', async (_, input, field) => {
    const desk = await anSes();

    const refused = await refusal(desk.ses.send(new SendEmailCommand(input)));

    expect(refused).toMatchObject({ name: 'BadRequestException', status: 400 });
    expect(refused.message).toContain(field);
    expect((await storeOf(desk)).emails).toEqual([]);
  });

  it('rejects a sender that is not a verified identity with SES text and region', async () => {
    const desk = await anSes();

    const refused = await refusal(
      desk.ses.send(new SendEmailCommand(aMail({ FromEmailAddress: 'Desk <desk@elsewhere.example.net>' }))),
    );

    expect(refused).toEqual({
      name: 'MessageRejected',
      status: 400,
      message:
        'Email address is not verified. The following identities failed the check in region EU-WEST-1: desk@elsewhere.example.net',
    });
    expect((await storeOf(desk)).emails).toEqual([]);
  });

  it('lets a verified domain cover its addresses and subdomains, display names included', async () => {
    const desk = await anSes();

    await desk.ses.send(
      new SendEmailCommand(aMail({ FromEmailAddress: '"Complaints desk" <desk@hotline.example.com>' })),
    );
    await desk.ses.send(new SendEmailCommand(aMail({ FromEmailAddress: 'night@shift.hotline.example.com' })));

    expect((await storeOf(desk)).emails.map((m) => m.from)).toEqual([
      '"Complaints desk" <desk@hotline.example.com>',
      'night@shift.hotline.example.com',
    ]);
  });

  it('in the sandbox, rejects an unverified recipient and takes verified and simulator ones', async () => {
    const desk = await anSes({
      sandbox: true,
      verifiedIdentities: ['hotline.example.com', 'tester@mail.example.org'],
    });

    const refused = await refusal(
      desk.ses.send(
        new SendEmailCommand(aMail({ Destination: { ToAddresses: ['tester@mail.example.org', CUSTOMER] } })),
      ),
    );
    await desk.ses.send(
      new SendEmailCommand(
        aMail({
          Destination: { ToAddresses: ['tester@mail.example.org', 'success@simulator.amazonses.com'] },
        }),
      ),
    );

    expect(refused).toMatchObject({
      name: 'MessageRejected',
      message: `Email address is not verified. The following identities failed the check in region EU-WEST-1: ${CUSTOMER}`,
    });
    expect((await storeOf(desk)).emails.map((m) => m.destination.to)).toEqual([
      ['tester@mail.example.org', 'success@simulator.amazonses.com'],
    ]);
  });

  it('sends to anyone with production access, and GetAccount says which one it is', async () => {
    const production = await anSes();
    const sandbox = await anSes({ sandbox: true });
    await production.ses.send(new SendEmailCommand(aMail()));
    production.clock.advance(25 * 3600);
    await production.ses.send(new SendEmailCommand(aMail()));

    const productionAccount = await production.ses.send(new GetAccountCommand({}));
    const sandboxAccount = await sandbox.ses.send(new GetAccountCommand({}));

    expect(productionAccount).toMatchObject({
      ProductionAccessEnabled: true,
      SendingEnabled: true,
      SendQuota: { Max24HourSend: 50_000, MaxSendRate: 14, SentLast24Hours: 1 },
    });
    expect(sandboxAccount).toMatchObject({
      ProductionAccessEnabled: false,
      SendQuota: { Max24HourSend: 200, MaxSendRate: 1, SentLast24Hours: 0 },
    });
  });

  it('creates, lists, shows and deletes identities, verified at once', async () => {
    const desk = await anSes({ verifiedIdentities: [] });

    const address = await desk.ses.send(new CreateEmailIdentityCommand({ EmailIdentity: SENDER }));
    const domain = await desk.ses.send(
      new CreateEmailIdentityCommand({
        EmailIdentity: 'alerts.example.com',
        Tags: [{ Key: 'team', Value: 'desk' }],
      }),
    );
    const again = await refusal(desk.ses.send(new CreateEmailIdentityCommand({ EmailIdentity: SENDER })));
    const notAnIdentity = await refusal(
      desk.ses.send(new CreateEmailIdentityCommand({ EmailIdentity: 'desk at home' })),
    );
    const firstPage = await desk.ses.send(new ListEmailIdentitiesCommand({ PageSize: 1 }));
    const secondPage = await desk.ses.send(
      new ListEmailIdentitiesCommand({ PageSize: 1, NextToken: firstPage.NextToken }),
    );
    const domainsOnly = await desk.ses.send(
      new ListEmailIdentitiesCommand({ Filter: { IDENTITY_TYPE: 'DOMAIN' } }),
    );
    const shown = await desk.ses.send(new GetEmailIdentityCommand({ EmailIdentity: 'alerts.example.com' }));
    await desk.ses.send(new DeleteEmailIdentityCommand({ EmailIdentity: SENDER }));
    const gone = await refusal(desk.ses.send(new GetEmailIdentityCommand({ EmailIdentity: SENDER })));
    const deleteAgain = await refusal(
      desk.ses.send(new DeleteEmailIdentityCommand({ EmailIdentity: SENDER })),
    );
    const sendFromDeleted = await refusal(desk.ses.send(new SendEmailCommand(aMail())));

    expect(address).toMatchObject({ IdentityType: 'EMAIL_ADDRESS', VerifiedForSendingStatus: true });
    expect(domain).toMatchObject({
      IdentityType: 'DOMAIN',
      VerifiedForSendingStatus: true,
      DkimAttributes: { SigningEnabled: true, Status: 'SUCCESS' },
    });
    expect(domain.DkimAttributes?.Tokens).toHaveLength(3);
    expect(again).toMatchObject({ name: 'AlreadyExistsException', status: 400 });
    expect(notAnIdentity).toMatchObject({
      name: 'BadRequestException',
      message: expect.stringContaining('EmailIdentity'),
    });
    expect(firstPage.EmailIdentities).toEqual([
      {
        IdentityType: 'EMAIL_ADDRESS',
        IdentityName: SENDER,
        SendingEnabled: true,
        VerificationStatus: 'SUCCESS',
      },
    ]);
    expect(firstPage.NextToken).toBeDefined();
    expect(secondPage.EmailIdentities?.map((i) => i.IdentityName)).toEqual(['alerts.example.com']);
    expect(secondPage.NextToken).toBeUndefined();
    expect(domainsOnly.EmailIdentities?.map((i) => i.IdentityName)).toEqual(['alerts.example.com']);
    expect(shown).toMatchObject({
      IdentityType: 'DOMAIN',
      VerifiedForSendingStatus: true,
      VerificationStatus: 'SUCCESS',
      Tags: [{ Key: 'team', Value: 'desk' }],
    });
    expect(shown.VerificationInfo?.LastSuccessTimestamp).toEqual(new Date(MONDAY_MORNING));
    expect(gone).toMatchObject({ name: 'NotFoundException', status: 404 });
    expect(deleteAgain).toMatchObject({ name: 'NotFoundException' });
    expect(sendFromDeleted).toMatchObject({ name: 'MessageRejected' });
  });

  it('keeps attachments byte for byte, base64 in the store as aws-ses-v2-local did', async () => {
    const desk = await anSes();
    const csv = 'ticket,department\nC-1042,billing\n';
    const binary = Uint8Array.from({ length: 256 }, (_, i) => i);

    await desk.ses.send(
      new SendEmailCommand(
        aMail({
          Content: {
            Simple: {
              Subject: { Data: 'Weekly report' },
              Body: { Text: { Data: 'Attached.' } },
              Attachments: [
                {
                  FileName: 'complaints-week-10.csv',
                  ContentType: 'text/csv; charset=utf-8',
                  ContentDisposition: 'ATTACHMENT',
                  RawContent: Buffer.from(csv, 'utf8'),
                },
                { FileName: 'bytes.bin', RawContent: binary },
              ],
            },
          },
        }),
      ),
    );

    const [mail] = (await storeOf(desk)).emails;
    expect(mail?.attachments).toEqual([
      {
        filename: 'complaints-week-10.csv',
        contentType: 'text/csv; charset=utf-8',
        contentDisposition: 'ATTACHMENT',
        content: Buffer.from(csv).toString('base64'),
        size: csv.length,
      },
      {
        filename: 'bytes.bin',
        contentType: 'application/octet-stream',
        content: Buffer.from(binary).toString('base64'),
        size: 256,
      },
    ]);
    expect(Buffer.from(mail?.attachments[1]?.content ?? '', 'base64')).toEqual(Buffer.from(binary));
  });

  it('files a raw MIME mail by its headers and parts, and keeps the raw text', async () => {
    const desk = await anSes();
    const raw = [
      `From: "Complaints desk" <${SENDER}>`,
      `To: Erika <${CUSTOMER}>`,
      'Subject: =?UTF-8?B?w4RyZ2VyIMO8YmVy?= C-1042',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="outer"',
      '',
      '--outer',
      'Content-Type: multipart/alternative; boundary=inner',
      '',
      '--inner',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      'Gr=C3=BC=C3=9Fe, we are on it.',
      '--inner',
      'Content-Type: text/html; charset=utf-8',
      '',
      '<p>We are on it.</p>',
      '--inner--',
      '--outer',
      'Content-Type: text/csv; name="c-1042.csv"',
      'Content-Disposition: attachment; filename="c-1042.csv"',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from('ticket\nC-1042\n').toString('base64'),
      '--outer--',
      '',
    ].join('\r\n');

    const sent = await desk.ses.send(new SendEmailCommand({ Content: { Raw: { Data: Buffer.from(raw) } } }));

    const [mail] = (await storeOf(desk)).emails;
    expect(mail).toMatchObject({
      from: `"Complaints desk" <${SENDER}>`,
      destination: { to: [`Erika <${CUSTOMER}>`], cc: [], bcc: [] },
      subject: 'Ärger über C-1042',
      body: { text: 'Grüße, we are on it.', html: '<p>We are on it.</p>' },
      attachments: [
        {
          filename: 'c-1042.csv',
          contentType: 'text/csv',
          contentDisposition: 'attachment',
          content: Buffer.from('ticket\nC-1042\n').toString('base64'),
          size: 14,
        },
      ],
      content: 'Raw',
    });
    const kept = await fetch(`${desk.url}/store/messages/${sent.MessageId}/raw`);
    expect(await kept.text()).toBe(raw);
  });

  it('refuses a raw mail from an unverified sender and one without recipients', async () => {
    const desk = await anSes();
    const rawFrom = (from: string, to?: string) =>
      Buffer.from(`From: ${from}\r\n${to ? `To: ${to}\r\n` : ''}Subject: x\r\n\r\nbody\r\n`);

    const unverified = await refusal(
      desk.ses.send(
        new SendEmailCommand({ Content: { Raw: { Data: rawFrom('x@elsewhere.example.net', CUSTOMER) } } }),
      ),
    );
    const noRecipient = await refusal(
      desk.ses.send(new SendEmailCommand({ Content: { Raw: { Data: rawFrom(SENDER) } } })),
    );

    expect(unverified).toMatchObject({ name: 'MessageRejected' });
    expect(noRecipient).toMatchObject({
      name: 'BadRequestException',
      message: expect.stringContaining('recipient'),
    });
  });
});

describe('the SES emulator mail store', () => {
  it('pages by sequence number, counts, and clears without reusing numbers', async () => {
    const desk = await anSes();
    for (const n of [1, 2, 3, 4, 5]) {
      await desk.ses.send(new SendEmailCommand(aMail({ Content: simple(`Mail ${n}`) })));
    }

    const first = await storeOf(desk, '?since=0&limit=2');
    const second = await storeOf(desk, `?since=${first.next}&limit=2`);
    const last = await storeOf(desk, `?since=${second.next}&limit=2`);
    const count = await (await fetch(`${desk.url}/store/count`)).json();
    const cleared = await (await fetch(`${desk.url}/store`, { method: 'DELETE' })).json();
    await desk.ses.send(new SendEmailCommand(aMail()));
    const afterClear = await storeOf(desk);
    const badPage = await fetch(`${desk.url}/store?limit=lots`);

    expect(first.emails.map((m) => [m.seq, m.subject])).toEqual([
      [1, 'Mail 1'],
      [2, 'Mail 2'],
    ]);
    expect(first.next).toBe(2);
    expect(second.emails.map((m) => m.seq)).toEqual([3, 4]);
    expect(last.emails.map((m) => m.seq)).toEqual([5]);
    expect(last.next).toBeUndefined();
    expect(count).toEqual({ count: 5, latestSeq: 5 });
    expect(cleared).toEqual({ cleared: 5 });
    expect(afterClear.emails.map((m) => m.seq)).toEqual([6]);
    expect(badPage.status).toBe(400);
  });

  it('keeps mail and identities in its file across a restart, numbering on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ses-store-'));
    try {
      const storeFile = join(dir, 'ses.sqlite');
      const before = await anSes({ storeFile, verifiedIdentities: [] });
      await before.ses.send(new CreateEmailIdentityCommand({ EmailIdentity: 'hotline.example.com' }));
      await before.ses.send(new SendEmailCommand(aMail()));
      await before.stop();

      const after = await anSes({ storeFile, verifiedIdentities: [] });
      await after.ses.send(new SendEmailCommand(aMail({ Content: simple('After the restart') })));

      expect((await storeOf(after)).emails.map((m) => [m.seq, m.subject])).toEqual([
        [1, 'Your complaint C-1042'],
        [2, 'After the restart'],
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('answers the health probe and refuses an unsigned API request as SES does', async () => {
    const desk = await anSes();

    const health = await fetch(`${desk.url}/health-check`);
    const unsigned = await fetch(`${desk.url}/v2/email/outbound-emails`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(aMail()),
    });
    const unknown = await fetch(`${desk.url}/v2/email/outbound-bulk-emails`, { method: 'POST' });

    expect(health.status).toBe(200);
    expect(unsigned.status).toBe(403);
    expect(unsigned.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
  });
});

describe('the SES emulator through the aws CLI', () => {
  const run = promisify(execFile);
  const cli = (desk: Desk, args: string[]) => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_DEFAULT_REGION: REGION,
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      AWS_EC2_METADATA_DISABLED: 'true',
    };
    delete env.AWS_PROFILE;
    delete env.AWS_SESSION_TOKEN;
    return run('aws', ['sesv2', ...args, '--endpoint-url', desk.url, '--output', 'json'], { env });
  };

  it('sends a mail with an attachment, lists identities, and shows SES errors by name', async () => {
    const desk = await anSes();
    // aws CLI v1 takes a blob given in JSON as its text and base64-encodes it on the wire.
    const content = JSON.stringify({
      Simple: {
        Subject: { Data: 'Sent by the CLI' },
        Body: { Text: { Data: 'Hello from aws sesv2.' } },
        Attachments: [{ FileName: 'note.txt', ContentType: 'text/plain', RawContent: 'a note' }],
      },
    });

    const sent = await cli(desk, [
      'send-email',
      '--from-email-address',
      SENDER,
      '--destination',
      `ToAddresses=${CUSTOMER}`,
      '--content',
      content,
    ]);
    const listed = await cli(desk, ['list-email-identities']);
    const rejected = await cli(desk, [
      'send-email',
      '--from-email-address',
      'someone@elsewhere.example.net',
      '--destination',
      `ToAddresses=${CUSTOMER}`,
      '--content',
      content,
    ]).then(
      () => undefined,
      (error: { stderr: string }) => error.stderr,
    );

    const { emails } = await storeOf(desk);
    expect(emails.map((m) => m.messageId)).toEqual([JSON.parse(sent.stdout).MessageId]);
    expect(emails[0]).toMatchObject({ subject: 'Sent by the CLI', destination: { to: [CUSTOMER] } });
    expect(Buffer.from(emails[0]?.attachments[0]?.content ?? '', 'base64').toString('utf8')).toBe('a note');
    expect(JSON.parse(listed.stdout).EmailIdentities).toEqual([
      {
        IdentityType: 'DOMAIN',
        IdentityName: 'hotline.example.com',
        SendingEnabled: true,
        VerificationStatus: 'SUCCESS',
      },
    ]);
    expect(rejected).toContain('An error occurred (MessageRejected) when calling the SendEmail operation');
    expect(rejected).toContain('someone@elsewhere.example.net');
  });
});

function simple(subject: string): NonNullable<SendEmailCommandInput['Content']> {
  return { Simple: { Subject: { Data: subject }, Body: { Text: { Data: `${subject}.` } } } };
}
