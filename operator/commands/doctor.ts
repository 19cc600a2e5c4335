/**
 * `m2m doctor`: the preflight before a deploy. Node.js, Terraform, AWS region and credentials, each
 * on one line with a mark and, when it fails, the fix. Every network step has a time limit, so the
 * command finishes quickly offline.
 */
import { type MirrorFallback, withMirrorFallback } from '../../terraform/cli-config';
import { checkProviderInstallation } from '../../terraform/provider-installation';
import { findTerraform, TERRAFORM_INSTALL_URL, terraformVersions } from '../../terraform/runner';
import { awsClientConfig, limitReplies, quietSdk } from '../aws';
import { describeBytes, TooLargeError } from '../bounded-read';
import { MAX_READ_BYTES, secondsToMs } from '../limits';
import { oneLine } from '../untrusted-text';
import type { DoctorOptions } from '../cli';
import type { CommandContext } from './command-context';

/** ✓ passed, ✗ a required check failed, ! worth knowing but not blocking. */
type Mark = '✓' | '✗' | '!';

export interface CheckResult {
  readonly mark: Mark;
  readonly text: string;
}

const MINIMUM_NODE = [20, 19] as const;
/** Installing from the registry downloads the provider (about 150 MB); from a mirror it is a link. */
const PROVIDER_INSTALL_TIMEOUT_MS = 120_000;
/** S3 native state locking (use_lockfile), which the remote state backend turns on. */
const MINIMUM_TERRAFORM_FOR_S3_LOCKING = [1, 10] as const;

/** Runs every check and prints one line each; returns how many required checks failed. */
export async function runDoctorCommand(context: CommandContext<DoctorOptions>): Promise<number> {
  const timeoutMs = secondsToMs(context.options.timeout);
  // Started together; printed in order.
  const terraform = checkTerraform(timeoutMs);
  const provider = checkAwsProvider(PROVIDER_INSTALL_TIMEOUT_MS);
  const aws = checkAws(timeoutMs);
  const results: CheckResult[] = [];
  const report = (result: CheckResult) => {
    results.push(result);
    context.print(`${result.mark} ${result.text}\n`);
  };
  report(checkNode(process.versions.node));
  report(await terraform);
  const providerResult = await provider;
  if (providerResult) report(providerResult);
  for (const result of await aws) report(result);
  return results.filter((r) => r.mark === '✗').length;
}

/** Node.js `version` against the minimum (exported, like the diagnoses below, for its tests). */
export function checkNode(version: string): CheckResult {
  const wanted = MINIMUM_NODE.join('.');
  return atLeast(version, MINIMUM_NODE)
    ? { mark: '✓', text: `Node.js ${version}` }
    : {
        mark: '✗',
        text: `Node.js ${version} is older than ${wanted}: install Node.js ${wanted} or newer (e.g. nvm install 20)`,
      };
}

async function checkTerraform(timeoutMs: number): Promise<CheckResult> {
  if (!findTerraform()) {
    return { mark: '✗', text: `Terraform not found on PATH: install it (${TERRAFORM_INSTALL_URL})` };
  }
  let version: string;
  try {
    ({ terraform: version } = await terraformVersions({ timeoutMs }));
  } catch (error) {
    return { mark: '✗', text: `${firstLine(error)}: check the Terraform installation` };
  }
  if (!atLeast(version, MINIMUM_TERRAFORM_FOR_S3_LOCKING)) {
    return {
      mark: '!',
      text: `Terraform ${version}: remote state (S3 native locking) needs ${MINIMUM_TERRAFORM_FOR_S3_LOCKING.join('.')} or newer; local state works`,
    };
  }
  return { mark: '✓', text: `Terraform ${version}` };
}

/**
 * Whether terraform init can install the locked AWS provider, as a deploy will: with the CLI
 * configuration in effect or, where there is none, with the mirror npm run deploy would use.
 */
async function checkAwsProvider(timeoutMs: number): Promise<CheckResult | undefined> {
  const terraform = findTerraform();
  if (!terraform) return undefined; // the Terraform check already says what to do
  let fallback: MirrorFallback | undefined;
  try {
    fallback = withMirrorFallback(process.env);
    const note = fallback.mirror
      ? `; Terraform has no CLI configuration, so npm run deploy uses the mirror ${fallback.mirror}, and npx cdktf needs TF_CLI_CONFIG_FILE (README: Air-gapped networks)`
      : '';
    const result = await checkProviderInstallation(terraform, fallback.env, timeoutMs);
    return result.ok
      ? { mark: '✓', text: `AWS provider hashicorp/aws ${result.version} installs ${result.source}${note}` }
      : {
          mark: '✗',
          text: `AWS provider hashicorp/aws ${result.version} cannot be installed (${result.reason}): reach registry.terraform.io, or configure a provider mirror (README: Air-gapped networks)`,
        };
  } catch (error) {
    return {
      mark: '✗',
      text: `AWS provider check failed (${firstLine(error)}): check TF_PROVIDER_MIRROR and the Terraform installation`,
    };
  } finally {
    fallback?.dispose();
  }
}

/** Region and credentials (looked up side by side, so offline costs one time limit), then STS. */
async function checkAws(timeoutMs: number): Promise<CheckResult[]> {
  quietSdk();
  // The AWS SDK takes longer to load than the rest of the CLI: only this check loads it.
  const { STSClient, GetCallerIdentityCommand } = await import('@aws-sdk/client-sts');
  const seconds = timeoutMs / 1000;
  const results: CheckResult[] = [];

  // The SDK's default chains: region from AWS_REGION or the profile, credentials from the
  // environment, the profile (SSO included), or the container or instance metadata services.
  const regionLookup = withTimeout(new STSClient({}).config.region(), timeoutMs).catch(() => undefined);
  const credentialsLookup = withTimeout(
    new STSClient({ region: 'us-east-1' }).config.credentials(),
    timeoutMs,
  );
  credentialsLookup.catch(() => undefined); // Awaited below; this only keeps an early failure handled.

  // The AWS CLI's AWS_DEFAULT_REGION, which the SDK ignores, is a fallback.
  let region = await regionLookup;
  let regionSource = process.env.AWS_REGION
    ? 'AWS_REGION'
    : `profile ${process.env.AWS_PROFILE ?? 'default'}`;
  if (!region && process.env.AWS_DEFAULT_REGION) {
    region = process.env.AWS_DEFAULT_REGION;
    regionSource = 'AWS_DEFAULT_REGION';
  }
  results.push(
    region
      ? { mark: '✓', text: `AWS region ${region} (${regionSource})` }
      : {
          mark: '!',
          text: 'AWS region not set: export AWS_REGION=<region> or set region in your AWS profile (the stack itself deploys to the region in cdktf.json; this check uses us-east-1)',
        },
  );

  // The SDK skips keys in the environment when AWS_PROFILE names a profile.
  const source = process.env.AWS_PROFILE
    ? `profile ${process.env.AWS_PROFILE}`
    : process.env.AWS_ACCESS_KEY_ID
      ? 'environment variables'
      : 'default credential chain';
  let credentials: Awaited<typeof credentialsLookup>;
  try {
    credentials = await credentialsLookup;
    results.push({ mark: '✓', text: `AWS credentials found (${source})` });
  } catch (error) {
    results.push({ mark: '✗', text: describeCredentialsFailure(error, seconds) });
    return results;
  }

  const client = new STSClient({ ...awsClientConfig(region ?? 'us-east-1', timeoutMs), credentials });
  // The SDK reads a reply whole, and AWS_ENDPOINT_URL_STS may point anywhere: bound what it reads.
  limitReplies(client.middlewareStack);
  const endpoint = process.env.AWS_ENDPOINT_URL_STS ?? `sts.${region ?? 'us-east-1'}.amazonaws.com`;
  try {
    const identity = await withTimeout(
      client.send(new GetCallerIdentityCommand({}), { abortSignal: AbortSignal.timeout(timeoutMs) }),
      timeoutMs,
    );
    // Whatever answers at the STS endpoint wrote these: bounded and sanitized like any outside text.
    const account = oneLine(String(identity.Account), 20);
    const arn = oneLine(String(identity.Arn), 2048);
    results.push({ mark: '✓', text: `AWS credentials valid: account ${account} (${arn})` });
  } catch (error) {
    results.push({ mark: '✗', text: describeStsFailure(error, endpoint, seconds) });
  }
  return results;
}

/** What a failed credential lookup means, and what to do about it. */
export function describeCredentialsFailure(error: unknown, seconds: number): string {
  const fix =
    'run aws configure or aws sso login, or export AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY';
  if (error instanceof TimedOut) {
    return `AWS credentials not found within ${seconds} s (the SDK was still trying, e.g. the EC2 instance metadata service): ${fix}`;
  }
  const message = firstLine(error);
  if (/Could not load credentials from any providers/i.test(message)) {
    return `AWS credentials not found: ${fix}`;
  }
  return `AWS credentials could not be loaded (${message}): ${fix}`;
}

/** What a failed GetCallerIdentity call means, and what to do about it. */
export function describeStsFailure(error: unknown, endpoint: string, seconds: number): string {
  const e = error as { name?: string; code?: string; $metadata?: { httpStatusCode?: number } };
  const status = e.$metadata?.httpStatusCode;
  if (error instanceof TooLargeError || e.name === 'TooLargeError') {
    return `STS (${endpoint}) replied with more than ${describeBytes(MAX_READ_BYTES)}, and reading stopped there: check AWS_ENDPOINT_URL_STS and your proxy`;
  }
  if (error instanceof TimedOut || e.name === 'TimeoutError' || e.name === 'AbortError') {
    return `AWS unreachable: no reply from STS (${endpoint}) within ${seconds} s: check your network or proxy`;
  }
  if (status === undefined) {
    return `AWS unreachable: cannot connect to STS (${endpoint}, ${oneLine(e.code ?? e.name ?? 'network error', 64)}): check your network or proxy`;
  }
  const name = oneLine(e.name ?? 'error', 64);
  if (status === 403 || status === 401 || /Token|Signature|AccessDenied/.test(name)) {
    return `AWS rejected the credentials (${name}: ${firstLine(error)}): refresh them (aws sso login) or replace the keys`;
  }
  return `STS GetCallerIdentity failed (HTTP ${status}, ${name}: ${firstLine(error)}): retry later`;
}

/** A step's time limit ran out. */
export class TimedOut extends Error {}

/** The promise, or a TimedOut rejection after `ms`; the timer does not keep the process alive. */
export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimedOut()), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function atLeast(version: string, minimum: readonly [number, number]): boolean {
  const [major, minor] = version.split('.').map(Number);
  return major > minimum[0] || (major === minimum[0] && minor >= minimum[1]);
}

/** The first line of an error's message, which may quote a server: bounded and sanitized. */
function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return oneLine(message.split('\n')[0]);
}
