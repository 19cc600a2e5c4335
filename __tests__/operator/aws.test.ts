/**
 * What every AWS SDK client of the tooling shares (operator/aws.ts), with the real SDK against local
 * servers: a time limit, one attempt per call, and the region left to the SDK's chain when unknown.
 */
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { awsClientConfig } from '../../operator/aws';
import { startLocalServer, type LocalServer } from '../helpers/fakes/local-server';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'not-a-secret' };

let server: LocalServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A local server that counts requests and answers each with `answer`, or never when it does nothing. */
async function serving(answer: (response: import('node:http').ServerResponse) => void) {
  const seen = { requests: 0 };
  server = await startLocalServer((request, response) => {
    seen.requests++;
    request.resume();
    answer(response);
  });
  return { seen, endpoint: server.url };
}

test('a call to a server that never answers fails with a TimeoutError after the time limit, once', async () => {
  const { seen, endpoint } = await serving(() => undefined);
  const sts = new STSClient({ ...awsClientConfig('eu-west-1', 300), endpoint, credentials });

  const error = await sts.send(new GetCallerIdentityCommand({})).then(
    () => undefined,
    (e: unknown) => e as Error,
  );
  expect(error?.name).toBe('TimeoutError');
  expect(seen.requests).toBe(1);
});

test('a call that fails with a 503 is not retried: one attempt, nothing done twice', async () => {
  const { seen, endpoint } = await serving((response) => {
    response.writeHead(503, { 'content-type': 'text/xml' });
    response.end(
      '<ErrorResponse><Error><Code>ServiceUnavailable</Code><Message>busy</Message></Error></ErrorResponse>',
    );
  });
  const sts = new STSClient({ ...awsClientConfig('eu-west-1', 5000), endpoint, credentials });

  await expect(sts.send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({
    $metadata: { httpStatusCode: 503 },
  });
  expect(seen.requests).toBe(1);
});

test('the region is the one given, or the SDK chain (AWS_REGION) when none is', async () => {
  const saved = process.env.AWS_REGION;
  process.env.AWS_REGION = 'ap-southeast-2';
  try {
    expect(await new STSClient(awsClientConfig('eu-west-1', 1000)).config.region()).toBe('eu-west-1');
    expect(await new STSClient(awsClientConfig(undefined, 1000)).config.region()).toBe('ap-southeast-2');
  } finally {
    if (saved === undefined) delete process.env.AWS_REGION;
    else process.env.AWS_REGION = saved;
  }
});
