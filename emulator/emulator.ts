/**
 * A local AWS to deploy to: moto's server, started on 127.0.0.1 with the patches of moto_launcher.py,
 * for the end-to-end tests and for `npm run emulator`. No AWS account, no network.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findOnPath } from '../terraform/runner';

const LAUNCHER = path.join(__dirname, 'moto_launcher.py');

/** Credentials moto accepts; they open nothing anywhere else. */
export const EMULATOR_CREDENTIALS = { accessKeyId: 'emulator', secretAccessKey: 'emulator' } as const;

export interface Emulator {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  readonly pid: number;
  /** Environment that sends the AWS SDKs, the AWS CLI and the Terraform AWS provider to the emulator. */
  readonly env: Readonly<Record<string, string>>;
  /** What moto_launcher.py reported: moto's version and the patches it applied. */
  readonly banner: string;
  /** Stops the server (SIGTERM, then SIGKILL) and waits for it to exit. */
  stop(): Promise<void>;
}

/** The Python that runs moto_server, or the reason there is none. */
export function findMotoPython(
  env: NodeJS.ProcessEnv = process.env,
): { python: string } | { missing: string } {
  const motoServer = findOnPath('moto_server', env);
  if (!motoServer) return { missing: 'moto_server is not on PATH (pip install "moto[server]")' };
  // A pip-installed console script names its interpreter; a pyenv shim is a shell script.
  const firstLine = fs.readFileSync(motoServer, 'utf8').split('\n', 1)[0];
  const interpreter = /^#!\s*(\S*python[\d.]*)\s*$/.exec(firstLine)?.[1];
  if (interpreter && fs.existsSync(interpreter)) return { python: interpreter };
  const python = findOnPath('python3', env);
  return python ? { python } : { missing: `moto_server is at ${motoServer}, but python3 is not on PATH` };
}

export interface StartEmulatorOptions {
  /** @default 0, a free port */
  readonly port?: number;
  /** How long moto may take to start. @default 60000 */
  readonly startTimeoutMs?: number;
  /** Region of the emulated account. @default "us-east-1" */
  readonly region?: string;
}

/** Starts moto on 127.0.0.1 and resolves once it accepts connections. */
export async function startEmulator(options: StartEmulatorOptions = {}): Promise<Emulator> {
  const found = findMotoPython();
  if ('missing' in found) throw new Error(`cannot start the AWS emulator: ${found.missing}`);
  const child = spawn(found.python, [LAUNCHER, '--host', '127.0.0.1', '--port', String(options.port ?? 0)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PYTHONUNBUFFERED: '1' },
  });
  const stopped = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // A test run that dies must not leave the server behind.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const stop = async () => {
    process.removeListener('exit', killOnExit);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await stopped;
      clearTimeout(timer);
    }
  };
  try {
    const { url, banner } = await waitUntilListening(child, options.startTimeoutMs ?? 60_000);
    return { url, pid: child.pid!, env: emulatorEnvironment(url, options.region), banner, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** What clients need to talk to the emulator instead of AWS. */
export function emulatorEnvironment(url: string, region = 'us-east-1'): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: url,
    AWS_ACCESS_KEY_ID: EMULATOR_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: EMULATOR_CREDENTIALS.secretAccessKey,
    AWS_SESSION_TOKEN: '',
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    // An operation the emulator lacks fails after two tries instead of retrying for minutes.
    AWS_MAX_ATTEMPTS: '2',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}

function waitUntilListening(
  child: ChildProcess,
  timeoutMs: number,
): Promise<{ url: string; banner: string }> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(
      () => fail(`moto did not start within ${timeoutMs / 1000} s${stderr ? `: ${lastLine(stderr)}` : ''}`),
      timeoutMs,
    );
    const fail = (message: string) => {
      clearTimeout(timer);
      reject(new Error(message));
    };
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      // Keep only the tail: moto logs every request.
      stderr = (stderr + chunk).slice(-4096);
    });
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve({ url, banner: stdout.split('\n').find((line) => line.startsWith('moto ')) ?? '' });
      }
    });
    child.once('error', (error) => fail(`cannot start moto: ${error.message}`));
    child.once('exit', (code, signal) =>
      fail(
        `moto exited (${signal ?? `code ${code}`}) before listening${stderr ? `: ${lastLine(stderr)}` : ''}`,
      ),
    );
  });
}

function lastLine(text: string): string {
  return text.trim().split('\n').at(-1) ?? '';
}
