import { createServer } from 'node:net';

/** A port nothing listens on now: the base port of a runtime started as its own process (`npm start`). */
export async function freeBasePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  await new Promise<void>((r) => server.close(() => r()));
  return typeof address === 'object' && address ? address.port : 0;
}
