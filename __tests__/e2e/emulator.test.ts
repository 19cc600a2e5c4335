/**
 * The emulator itself: the launcher's patches step aside where moto has the operation, `npm run
 * emulator` points tools at it and stops on Ctrl-C, and a stopped emulator leaves no process.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { findMotoPython, startEmulator } from '../../emulator/emulator';
import { runCommand } from '../../terraform/runner';
import { describeWithEmulator, isolatedEnvironment } from '../helpers/emulator';
import { PROJECT_ROOT } from '../helpers/project';

/** Whether a process with this PID still exists. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describeWithEmulator('the AWS emulator', () => {
  let started: ChildProcess | undefined;
  // A failed test must not leave `npm run emulator` (and its moto) running.
  afterAll(() => {
    if (started?.exitCode === null) started.kill('SIGINT');
  });

  test('each patch steps aside when moto has the operation itself', async () => {
    const found = findMotoPython();
    if ('missing' in found) throw new Error(found.missing);
    // Pretend a newer moto: give it both operations, then apply the patches.
    const script = [
      'import sys',
      `sys.path.insert(0, ${JSON.stringify(path.join(PROJECT_ROOT, 'emulator'))})`,
      'import moto_launcher as launcher',
      'native = lambda self: None',
      'launcher.Responses.delete_resource_server = native',
      'launcher.patch_delete_resource_server()',
      'launcher.patch_managed_login_version()',
      'assert launcher.Responses.delete_resource_server is native',
      'print(",".join(launcher.applied))',
    ].join('\n');
    const result = await runCommand(found.python, ['-c', script], { cwd: PROJECT_ROOT });
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    // Only the operation moto 5.2.1 lacks, and which was not faked above, was patched.
    expect(result.stdout.trim()).toBe('ManagedLoginVersion');
  });

  test('a stopped emulator leaves no process behind', async () => {
    const emulator = await startEmulator();
    expect(emulator.banner).toMatch(/^moto \d+\.\d+\.\d+, patched: /);
    expect(alive(emulator.pid)).toBe(true);
    await emulator.stop();
    expect(alive(emulator.pid)).toBe(false);
  });

  test('npm run emulator prints the variables that point tools at it, and stops on Ctrl-C', async () => {
    // The package script, as npm runs it, with exec so that the SIGINT below reaches it as Ctrl-C would.
    const { scripts } = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8'));
    const child = spawn('/bin/sh', ['-c', `exec ${scripts.emulator} start --port 0`], {
      cwd: PROJECT_ROOT,
      env: isolatedEnvironment(),
    });
    started = child;
    let stdout = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const found = /export AWS_ENDPOINT_URL=(http:\/\/127\.0\.0\.1:\d+)\n/.exec(stdout)?.[1];
        if (found && stdout.includes('npm run emulator -- demo')) resolve(found);
      });
      child.on('exit', (code) => reject(new Error(`npm run emulator exited with ${code}: ${stdout}`)));
    });
    expect(stdout).toContain('export AWS_ACCESS_KEY_ID=emulator');
    const sts = new STSClient({
      endpoint: url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'emulator', secretAccessKey: 'emulator' },
      maxAttempts: 1,
    });
    try {
      expect((await sts.send(new GetCallerIdentityCommand({}))).Account).toBe('123456789012');
    } finally {
      sts.destroy();
    }
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    await expect(fetch(url)).rejects.toThrow();
  });
});
