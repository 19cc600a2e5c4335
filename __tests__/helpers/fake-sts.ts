import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/** The account the fake STS reports. */
export const FAKE_ACCOUNT_ID = '123456789012';

/**
 * A local stand-in for AWS STS that answers GetCallerIdentity, so the AWS provider (or SDK) can start
 * with dummy credentials and no network: point AWS_ENDPOINT_URL_STS at `url`.
 */
export async function startFakeSts(): Promise<{
  url: string;
  requests: string[];
  close: () => Promise<void>;
}> {
  const requests: string[] = [];
  const server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      requests.push(new URLSearchParams(body).get('Action') ?? body);
      response.writeHead(200, { 'content-type': 'text/xml' });
      response.end(
        '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>' +
          `<Arn>arn:aws:iam::${FAKE_ACCOUNT_ID}:user/offline</Arn><UserId>AIDAOFFLINE</UserId><Account>${FAKE_ACCOUNT_ID}</Account>` +
          '</GetCallerIdentityResult><ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ResponseMetadata></GetCallerIdentityResponse>',
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
