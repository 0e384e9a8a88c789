/**
 * Serves the Connect emulator's API on its own port, so the AWS SDK and CLI reach it with
 * `--endpoint-url http://127.0.0.1:<port>`.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ConnectEmulator, type ConnectEmulatorOptions, createConnectEmulator } from './emulator.ts';

export interface ConnectServerOptions {
  /** 0 picks a free port. */
  readonly port?: number;
  readonly host?: string;
  /** An emulator to serve; otherwise one is created from `emulatorOptions`. */
  readonly emulator?: ConnectEmulator;
  readonly emulatorOptions?: ConnectEmulatorOptions;
  /** Extra routes tried before the Connect API, e.g. the phone simulator's. */
  readonly extraRoutes?: (
    req: Parameters<ConnectEmulator['httpHandler']>[0],
    res: Parameters<ConnectEmulator['httpHandler']>[1],
    pathname: string,
  ) => boolean;
}

export interface ConnectServer {
  readonly url: string;
  readonly port: number;
  readonly emulator: ConnectEmulator;
  readonly server: Server;
  close(): Promise<void>;
}

export async function startConnectServer(options: ConnectServerOptions): Promise<ConnectServer> {
  const emulator =
    options.emulator ??
    (options.emulatorOptions
      ? createConnectEmulator(options.emulatorOptions)
      : (() => {
          throw new Error('startConnectServer needs an emulator or emulatorOptions');
        })());
  const host = options.host ?? '127.0.0.1';
  const server = createServer((req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (options.extraRoutes?.(req, res, pathname)) return;
    emulator.httpHandler(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${port}`,
    port,
    emulator,
    server,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
