import { createServer, type Server } from 'node:net';

/** How many ports a runtime takes from its base: gateway, DynamoDB Local, Scheduler, Connect, SES, Lex. */
const PORTS_PER_RUNTIME = 6;

function listen(port: number): Promise<Server | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(undefined));
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

/** A base port whose runtime ports are all free now: for a runtime started as its own process (`npm start`). */
export async function freeBasePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const first = await listen(0);
    const address = first?.address();
    const base = typeof address === 'object' && address ? address.port : 0;
    const rest =
      base > 0 && base + PORTS_PER_RUNTIME < 65_536
        ? await Promise.all(Array.from({ length: PORTS_PER_RUNTIME - 1 }, (_, i) => listen(base + 1 + i)))
        : [undefined];
    const held = [first, ...rest].filter((s): s is Server => s !== undefined);
    await Promise.all(held.map((s) => new Promise<void>((r) => s.close(() => r()))));
    if (held.length === PORTS_PER_RUNTIME) return base;
  }
  throw new Error(`no ${PORTS_PER_RUNTIME} free ports in a row`);
}
