/**
 * What every AWS SDK client of the operator tooling shares: a time limit, a bound on what it reads,
 * and one way to say why a call failed.
 */
import { Readable } from 'node:stream';
// Types only (the SDK clients' middleware stack), erased at run time.
import type { MiddlewareStack } from '@smithy/types';
import { describeBytes, limitStream } from './bounded-read';
import { AwsRequestError, type AwsRequestProblem } from './errors';
import { MAX_READ_BYTES } from './limits';
import { oneLine } from './untrusted-text';

/**
 * Silences the SDK's notice about future Node.js versions, which would mix with a command's own
 * lines. Call it before the SDK loads.
 */
// Stryker disable all: not seen in-process. The SDK warns once a process, on Node's warning stream,
// which only a run of the CLI as a real process shows (on its stderr).
export function quietSdk(): void {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
}
// Stryker restore all

/**
 * Settings for an AWS SDK client: the region if known, a time limit for connecting and for each reply, and
 * one attempt per call, so that nothing the operator asked for once (adding a secret) is done twice.
 * Credentials and endpoints come from the SDK's own chains (AWS_PROFILE, AWS_ENDPOINT_URL...).
 */
export function awsClientConfig(region: string | undefined, timeoutMs: number) {
  return {
    // Undefined: the SDK's default chain (AWS_REGION, the profile) names the region (it reads `region ?? chain`).
    region,
    maxAttempts: 1,
    // Without throwOnRequestTimeout, the SDK only prints a warning when requestTimeout passes, and
    // waits on for a reply that may never come.
    requestHandler: { connectionTimeout: timeoutMs, requestTimeout: timeoutMs, throwOnRequestTimeout: true },
  };
}

/**
 * Makes a client (by its middleware stack) stop reading a reply past MAX_READ_BYTES: the SDK reads a reply whole, and an
 * endpoint from AWS_ENDPOINT_URL may point anywhere.
 */
export function limitReplies<Input extends object, Output extends object>(
  middlewareStack: MiddlewareStack<Input, Output>,
): void {
  middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      const response = result.response as { body?: unknown };
      if (response.body instanceof Readable) response.body = limitStream(response.body, MAX_READ_BYTES);
      return result;
    },
    { step: 'deserialize', priority: 'low' },
  );
}

/** The region of an ARN (arn:<partition>:<service>:<region>:...), if it names one. */
export function regionOfArn(arn: string): string | undefined {
  return /^arn:[\w-]+:[\w-]+:([a-z]{2}(?:-[a-z]+)+-\d+):/.exec(arn)?.[1];
}

/**
 * The region of a user pool: its ID starts with it (us-east-1_AbCdEf123), and the pool's issuer
 * (https://cognito-idp.<region>.amazonaws.com/<pool id>) names it too. Both must agree.
 */
export function regionOfUserPool(userPoolId: string, issuer: string): string | undefined {
  const fromId = /^([a-z]{2}(?:-[a-z]+)+-\d+)_[0-9A-Za-z]+$/.exec(userPoolId)?.[1];
  const fromIssuer = /^https:\/\/cognito-idp\.([a-z]{2}(?:-[a-z]+)+-\d+)\.amazonaws\.com(?:\.cn)?\//.exec(
    issuer,
  )?.[1];
  return fromId === fromIssuer ? fromId : undefined;
}

/** Exceptions that mean the caller may not do this, or is not who AWS accepts. */
const DENIED =
  /^(AccessDenied(Exception)?|NotAuthorizedException|UnrecognizedClientException|InvalidClientTokenId|ExpiredToken(Exception)?|InvalidSignatureException|SignatureDoesNotMatch|MissingAuthenticationToken)$/;

/**
 * An AwsRequestError saying which call failed and why, in one line with the fix: `action` names the
 * call ("Cognito AddUserPoolClientSecret"). The SDK's words come from a server: bounded, sanitized.
 */
export function describeAwsFailure(error: unknown, action: string, timeoutMs: number): AwsRequestError {
  const e = error as {
    name?: string;
    code?: string;
    message?: string;
    $metadata?: { httpStatusCode?: number };
  };
  const name = oneLine(e?.name ?? 'Error', 64);
  const detail = oneLine(String(e?.message ?? error).split('\n')[0]);
  const status = e?.$metadata?.httpStatusCode;
  const fail = (problem: AwsRequestProblem, message: string) => new AwsRequestError(problem, message, name);
  // By name: a TooLargeError has it, and so has one the SDK rebuilt on its way up.
  if (e?.name === 'TooLargeError') {
    return fail(
      'unavailable',
      `${action} replied with more than ${describeBytes(MAX_READ_BYTES)}, and reading stopped there: check AWS_ENDPOINT_URL and your proxy`,
    );
  }
  if (e?.name === 'CredentialsProviderError' || /Could not load credentials/i.test(detail)) {
    return fail(
      'no-credentials',
      `${action} needs AWS credentials, and none were found (${detail}): run aws configure or aws sso login, or export AWS_PROFILE (m2m doctor checks them)`,
    );
  }
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError' || e?.code === 'ETIMEDOUT') {
    return fail(
      'unavailable',
      `${action} got no reply within ${timeoutMs / 1000} s: check your network or proxy, or allow more time with --timeout`,
    );
  }
  if (status === undefined) {
    return fail(
      'unavailable',
      `cannot reach AWS for ${action} (${oneLine(e?.code ?? name, 64)}: ${detail}): check your network, proxy and AWS_ENDPOINT_URL`,
    );
  }
  if (DENIED.test(name) || status === 401 || status === 403) {
    return fail(
      'denied',
      `AWS refused ${action} (${name}: ${detail}): use credentials allowed to do it (m2m doctor shows whose they are)`,
    );
  }
  if (/NotFound/.test(name)) {
    return fail(
      'not-found',
      `AWS found nothing for ${action} (${name}: ${detail}): check the stack is deployed in this account and region`,
    );
  }
  if (status >= 500 || /Throttl|TooManyRequests/.test(name)) {
    return fail('unavailable', `${action} failed (HTTP ${status}, ${name}: ${detail}): retry later`);
  }
  return fail(
    'failed',
    `${action} failed (HTTP ${status}, ${name}: ${detail}): see the message for the cause`,
  );
}
