/** A throwaway HTTP server on 127.0.0.1 with a handler of the test's choosing: every fake here is one. */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LocalServer {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  close(): Promise<void>;
}

export async function startLocalServer(handler: http.RequestListener): Promise<LocalServer> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port on 127.0.0.1 that nothing listens on. */
export async function closedPort(): Promise<number> {
  const server = await startLocalServer(() => undefined);
  await server.close();
  return Number(new URL(server.url).port);
}

export interface EndlessReplyOptions {
  /** @default JSON */
  readonly headers?: Record<string, string>;
  /** What the reply starts with, e.g. the opening tag of an XML document. @default nothing */
  readonly start?: string;
  /** The character it goes on with, one the client's parser keeps reading. @default "0" */
  readonly fill?: string;
}

/**
 * A reply that answers 200 and then writes for as long as the client reads, and `sent`, which
 * resolves to the bytes written once the client hangs up: proof that the client stopped reading on
 * its own, and after how much. `reply` writes it to a response; `handler` answers every request so.
 */
export function endlessReply({
  headers = { 'content-type': 'application/json' },
  start = '',
  fill = '0',
}: EndlessReplyOptions = {}) {
  let resolveSent: (bytes: number) => void = () => undefined;
  const sent = new Promise<number>((resolve) => (resolveSent = resolve));
  const reply = (response: http.ServerResponse) => {
    response.writeHead(200, headers);
    response.write(start);
    const chunk = Buffer.alloc(64 * 1024, fill);
    let bytes = 0;
    const pump = () => {
      while (!response.destroyed) {
        bytes += chunk.length;
        if (!response.write(chunk)) return;
      }
    };
    response.on('drain', pump);
    response.on('close', () => resolveSent(bytes));
    pump();
  };
  const handler: http.RequestListener = (request, response) => {
    request.resume();
    reply(response);
  };
  return { handler, reply, sent };
}

/** Far more than any limit the tooling has, far less than an unbounded read would take. */
export const BOUNDED_READ_EVIDENCE_BYTES = 64 * 1024 * 1024;
