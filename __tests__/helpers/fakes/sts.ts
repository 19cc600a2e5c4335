/** A local stand-in for AWS STS, for the doctor's credential check. */
import { endlessReply, startLocalServer } from './local-server';

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
  /** Refuse every request with this HTTP status and AWS error (Query protocol XML). */
  readonly error?: { readonly status: number; readonly code: string; readonly message: string };
  /** Take each request and never answer. */
  readonly silent?: boolean;
}

const XML_START = '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">';

/**
 * Answers GetCallerIdentity, so the AWS provider or SDK can start with dummy credentials and no
 * network: point AWS_ENDPOINT_URL_STS at `url`.
 */
export async function startFakeSts({
  caller = FAKE_CALLER,
  endless = false,
  error,
  silent = false,
}: FakeStsOptions = {}) {
  const requests: StsRequest[] = [];
  const forever = endlessReply({ headers: { 'content-type': 'text/xml' }, start: XML_START, fill: ' ' });
  const server = await startLocalServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const action = new URLSearchParams(body).get('Action') ?? '';
      requests.push({ action, body, authorization: request.headers.authorization });
      if (endless) return forever.reply(response);
      if (silent) return;
      if (error) {
        response.writeHead(error.status, { 'content-type': 'text/xml' });
        return response.end(
          '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>' +
            `<Code>${error.code}</Code><Message>${error.message}</Message></Error>` +
            '<RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId></ErrorResponse>',
        );
      }
      response.writeHead(200, { 'content-type': 'text/xml' });
      response.end(
        `${XML_START}<GetCallerIdentityResult>` +
          `<Arn>${caller.arn}</Arn><UserId>AIDACKCEVSQ6C2EXAMPLE</UserId><Account>${caller.account}</Account>` +
          '</GetCallerIdentityResult><ResponseMetadata><RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId>' +
          '</ResponseMetadata></GetCallerIdentityResponse>',
      );
    });
  });
  return { url: server.url, requests, sentBytes: forever.sent, close: server.close };
}
