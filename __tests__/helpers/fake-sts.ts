import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/** The caller the fake STS reports. */
export const FAKE_CALLER = {
  account: '123456789012',
  arn: 'arn:aws:iam::123456789012:user/ci',
};

/** What the fake STS received: the Action of each request, with its Authorization header. */
export interface StsRequest {
  readonly action: string;
  readonly body: string;
  readonly authorization?: string;
}

export interface FakeStsOptions {
  /**
   * The caller it reports, written into the XML as is (so a test can make it hostile).
   * @default FAKE_CALLER
   */
  readonly caller?: { readonly account: string; readonly arn: string };
  /**
   * Answer with a reply that never ends (spaces after the XML's start), for as long as it is read;
   * `sentBytes` then says how much was sent when the client hung up.
   * @default false
   */
  readonly endless?: boolean;
}

/**
 * A local stand-in for AWS STS that answers GetCallerIdentity, so the AWS provider or SDK can start
 * with dummy credentials and no network: point AWS_ENDPOINT_URL_STS at `url`.
 */
export async function startFakeSts({ caller = FAKE_CALLER, endless = false }: FakeStsOptions = {}) {
  const requests: StsRequest[] = [];
  let resolveSent: (bytes: number) => void = () => undefined;
  const sentBytes = new Promise<number>((resolve) => (resolveSent = resolve));
  const server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const action = new URLSearchParams(body).get('Action') ?? '';
      requests.push({ action, body, authorization: request.headers.authorization });
      response.writeHead(200, { 'content-type': 'text/xml' });
      if (endless) return writeForever(response, resolveSent);
      response.end(
        '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>' +
          `<Arn>${caller.arn}</Arn><UserId>AIDACKCEVSQ6C2EXAMPLE</UserId><Account>${caller.account}</Account>` +
          '</GetCallerIdentityResult><ResponseMetadata><RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId>' +
          '</ResponseMetadata></GetCallerIdentityResponse>',
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    sentBytes,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Writes chunks for as long as the client reads them; reports the bytes sent when it hangs up. */
function writeForever(response: http.ServerResponse, done: (bytes: number) => void): void {
  const chunk = Buffer.alloc(64 * 1024, ' ');
  let bytes = 0;
  const pump = () => {
    while (!response.destroyed) {
      bytes += chunk.length;
      if (!response.write(chunk)) return;
    }
  };
  response.on('drain', pump);
  response.on('close', () => done(bytes));
  response.write('<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">');
  pump();
}
