/**
 * The desk as its users meet it, for journey tests: every step goes through a public surface of the
 * running local system (the HTTP API, the local control surface of docs/local-contract.md: token,
 * clock, phone simulator, reactor drain; the SES emulator's store; the portal in Chromium). Nothing
 * here calls a store or a use case: a journey sees what a user would see.
 */
import { type LocalRuntime, startLocalRuntime } from '#local/runtime';

export interface Reply<T = Record<string, unknown>> {
  readonly status: number;
  readonly body: T;
  readonly headers: Headers;
  readonly text: string;
}

export interface RequestOptions {
  readonly body?: unknown;
  readonly rawBody?: string;
  readonly headers?: Record<string, string>;
}

/** A mail as the SES emulator's `/store` shows it. */
export interface DeskMail {
  readonly destination: { readonly to: readonly string[] };
  readonly subject: string;
  readonly body: { readonly text?: string; readonly html?: string };
  readonly attachments: readonly { readonly filename?: string; readonly content: string }[];
}

/** A phone call as the simulator shows it (`GET /local/phone/calls/{id}`). */
export interface PhoneCall {
  readonly callId: string;
  readonly state: 'ringing' | 'in-progress' | 'queued' | 'with-agent' | 'ended';
  readonly direction: 'inbound' | 'outbound';
  readonly agent?: { readonly username: string; readonly connectedAt: string };
  readonly disconnectReason?: string;
  readonly from: string;
  readonly to: string;
  readonly transcript: readonly {
    readonly at: string;
    readonly speaker: 'system' | 'caller';
    readonly text: string;
  }[];
  readonly attributes: Record<string, string>;
}

/** One member of staff, signed in: their requests carry their token. */
export class Staff {
  constructor(
    private readonly desk: Desk,
    readonly username: string,
    private readonly token: string,
  ) {}

  get<T = Record<string, unknown>>(path: string, options: RequestOptions = {}): Promise<Reply<T>> {
    return this.desk.http<T>('GET', path, { ...options, token: this.token });
  }
  post<T = Record<string, unknown>>(
    path: string,
    body?: unknown,
    options: RequestOptions = {},
  ): Promise<Reply<T>> {
    return this.desk.http<T>('POST', path, { ...options, body, token: this.token });
  }
  patch<T = Record<string, unknown>>(
    path: string,
    body?: unknown,
    options: RequestOptions = {},
  ): Promise<Reply<T>> {
    return this.desk.http<T>('PATCH', path, { ...options, body, token: this.token });
  }
  put<T = Record<string, unknown>>(
    path: string,
    body?: unknown,
    options: RequestOptions = {},
  ): Promise<Reply<T>> {
    return this.desk.http<T>('PUT', path, { ...options, body, token: this.token });
  }
  delete<T = Record<string, unknown>>(path: string, options: RequestOptions = {}): Promise<Reply<T>> {
    return this.desk.http<T>('DELETE', path, { ...options, token: this.token });
  }
}

/** The running desk (`npm start`'s runtime, in memory, on free ports) seen from outside. */
export class Desk {
  private mailBaseline = 0;

  private constructor(private readonly runtime: LocalRuntime) {}

  /** Start the desk; `env` is configuration a deployment would set. */
  static async open(env: Record<string, string> = {}): Promise<Desk> {
    const desk = new Desk(await startLocalRuntime({ port: 0, env }));
    desk.mailBaseline = (await desk.mailStore()).length;
    return desk;
  }

  get url(): string {
    return this.runtime.url;
  }

  close(): Promise<void> {
    return this.runtime.stop();
  }

  /** Sign in as a member of staff (the local identity provider, same claims as Cognito's). */
  async staff(username: string, groups: readonly string[]): Promise<Staff> {
    const reply = await this.http<{ token: string }>('POST', '/local/token', { body: { username, groups } });
    if (reply.status !== 200) throw new Error(`no token for ${username}: ${reply.text}`);
    return new Staff(this, username, reply.body.token);
  }

  /** Wait until every saved change has had its consequences (`POST /local/reactor/drain`). */
  async settle(): Promise<void> {
    const res = await fetch(`${this.url}/local/reactor/drain`, { method: 'POST' });
    await res.text();
  }

  /** Any request as an anonymous client would send it (a customer's browser, a phone). */
  async http<T = Record<string, unknown>>(
    method: string,
    path: string,
    options: RequestOptions & { token?: string } = {},
  ): Promise<Reply<T>> {
    await this.settle();
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | undefined = options.rawBody;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(`${this.url}${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body } : {}),
    });
    const text = await res.text();
    if (method !== 'GET') await this.settle();
    let parsed: unknown = {};
    if (text && (res.headers.get('content-type') ?? '').includes('json')) parsed = JSON.parse(text);
    return { status: res.status, body: parsed as T, headers: res.headers, text };
  }

  /** Simulated time moves on (`POST /local/clock`): deadlines, schedules and calls follow. */
  async advance(seconds: number): Promise<string> {
    const reply = await this.http<{ now: string }>('POST', '/local/clock', {
      body: { advanceSeconds: seconds },
    });
    return reply.body.now;
  }

  async now(): Promise<string> {
    return (await this.http<{ now: string }>('GET', '/local/clock')).body.now;
  }

  // --- the phone simulator -------------------------------------------------------------

  /** Someone rings the hotline from `from`. */
  async dial(from: string): Promise<PhoneCall> {
    const reply = await this.http<{ callId: string }>('POST', '/local/phone/calls', { body: { from } });
    if (reply.status >= 300) throw new Error(`dial failed: ${reply.text}`);
    return this.call(reply.body.callId);
  }

  async press(callId: string, digits: string): Promise<PhoneCall> {
    const reply = await this.http('POST', `/local/phone/calls/${callId}/keys`, { body: { digits } });
    if (reply.status >= 300) throw new Error(`keys failed: ${reply.text}`);
    return this.call(callId);
  }

  async hangUp(callId: string): Promise<PhoneCall> {
    await this.http('POST', `/local/phone/calls/${callId}/hangup`);
    return this.call(callId);
  }

  async call(callId: string): Promise<PhoneCall> {
    return (await this.http<PhoneCall>('GET', `/local/phone/calls/${callId}`)).body;
  }

  /** What the system said on a call, in order. */
  async said(callId: string): Promise<string[]> {
    return (await this.call(callId)).transcript.filter((l) => l.speaker === 'system').map((l) => l.text);
  }

  /** Outbound calls, newest first. */
  async outboundCalls(): Promise<PhoneCall[]> {
    return (await this.http<{ calls: PhoneCall[] }>('GET', '/local/phone/calls?direction=outbound')).body
      .calls;
  }

  /** Outbound calls to one number, oldest first. */
  async callsTo(number: string): Promise<PhoneCall[]> {
    return (await this.outboundCalls()).filter((c) => c.to === number).reverse();
  }

  /** How a customer's phone behaves when the desk calls it. */
  async phoneBehaves(
    number: string,
    behaviour: { answer: 'answer' | 'no-answer' | 'busy' | 'manual'; keys?: string; ringSeconds?: number },
  ): Promise<void> {
    const reply = await this.http('PUT', `/local/phone/numbers/${encodeURIComponent(number)}`, {
      body: behaviour,
    });
    if (reply.status >= 300) throw new Error(`number behaviour refused: ${reply.text}`);
  }

  // --- the SES emulator ------------------------------------------------------------------

  private async sesEndpoint(): Promise<string> {
    const health = (await this.http<{ components: Record<string, { endpoint: string }> }>('GET', '/health'))
      .body;
    const ses = health.components.ses?.endpoint;
    if (!ses) throw new Error('no SES endpoint in /health');
    return ses;
  }

  private async mailStore(): Promise<DeskMail[]> {
    const res = await fetch(`${await this.sesEndpoint()}/store`);
    return ((await res.json()) as { emails: DeskMail[] }).emails;
  }

  /** Mail the desk sent since it opened (the SES store may hold earlier mail: a data folder keeps it). */
  async mails(): Promise<DeskMail[]> {
    await this.settle();
    return (await this.mailStore()).slice(this.mailBaseline);
  }

  /** Mail the desk sent to one address. */
  async mailsTo(address: string): Promise<DeskMail[]> {
    return (await this.mails()).filter((m) => m.destination.to.includes(address));
  }
}

/** A number unique to this test process and story, so stories never share customers. */
let serial = 0;
export function aPhoneNumber(): string {
  serial += 1;
  const block = (process.pid % 900) + 100;
  return `+1555${block}${String(serial).padStart(4, '0')}`;
}
