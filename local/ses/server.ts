/**
 * Serves the SES emulator on its own port, so the AWS SDK and CLI reach it with
 * `--endpoint-url http://127.0.0.1:<port>` and tests read its mail at `<url>/store`.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SesEmulator } from './emulator.ts';

export interface SesServerOptions {
  readonly emulator: SesEmulator;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** 0 (the default) picks a free port. */
  readonly port?: number;
}

export interface SesServer {
  readonly url: string;
  readonly port: number;
  readonly server: Server;
  /** Stops listening and drops open connections; the emulator (and its store) stays open. */
  close(): Promise<void>;
}

export async function startSesServer(options: SesServerOptions): Promise<SesServer> {
  const host = options.host ?? '127.0.0.1';
  const server = createServer((req, res) => options.emulator.httpHandler(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    server,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
