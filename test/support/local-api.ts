import { type LocalRuntime, startLocalRuntime } from '#local/runtime';

export interface ApiReply<T = Record<string, unknown>> {
  readonly status: number;
  readonly body: T;
  readonly headers: Headers;
}

/** A test's view of the running local system: HTTP through the gateway, as a client would. */
export class LocalApi {
  private constructor(readonly runtime: LocalRuntime) {}

  static async start(env: Record<string, string> = {}): Promise<LocalApi> {
    return new LocalApi(await startLocalRuntime({ port: 0, env }));
  }

  get url(): string {
    return this.runtime.url;
  }

  async tokenFor(username: string, groups: string[]): Promise<string> {
    return this.runtime.token(username, groups);
  }

  /** Tokens of the staff the API tests act as: sam (supervisor), alice (agent), root (admin). */
  async staffTokens(): Promise<{ supervisor: string; agent: string; admin: string }> {
    return {
      supervisor: await this.tokenFor('sam', ['supervisor']),
      agent: await this.tokenFor('alice', ['agent']),
      admin: await this.tokenFor('root', ['admin']),
    };
  }

  async request<T = Record<string, unknown>>(
    method: string,
    path: string,
    options: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
  ): Promise<ApiReply<T>> {
    // Whatever earlier steps saved (a call, a clock step) has had its reactions, as a user a moment later sees.
    await this.runtime.settled();
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
    // The answer comes once the change is saved; what follows it is done before the test's next look.
    if (method !== 'GET') await this.runtime.settled();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as T, headers: res.headers };
  }

  /** Every saved event reacted to (after steps that bypass `request`: the phone, raw fetches). */
  settled(): Promise<void> {
    return this.runtime.settled();
  }

  stop(): Promise<void> {
    return this.runtime.stop();
  }
}
