/** A throwaway HTTP server on 127.0.0.1 with a handler of the test's choosing, for hostile replies. */
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

/**
 * A handler that answers 200 and then writes for as long as the client reads, and `sent`, which
 * resolves to the bytes written once the client hangs up: proof that the client stopped reading on
 * its own, and after how much.
 */
export function endlessReply(headers: Record<string, string> = { 'content-type': 'application/json' }) {
  let resolveSent: (bytes: number) => void = () => undefined;
  const sent = new Promise<number>((resolve) => (resolveSent = resolve));
  const handler: http.RequestListener = (request, response) => {
    request.resume();
    response.writeHead(200, headers);
    const chunk = Buffer.alloc(64 * 1024, '0');
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
  return { handler, sent };
}

/** Far more than any limit the tooling has, far less than an unbounded read would take. */
export const BOUNDED_READ_EVIDENCE_BYTES = 64 * 1024 * 1024;
