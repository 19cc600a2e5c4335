/**
 * How the CLI reports a failure it did not foresee (exit 1): one line with a hint to --debug, and
 * with --debug the stack, sanitized and with secrets masked. And how bin/m2m.js exits.
 */
import { Readable } from 'node:stream';
import { exitWhenFlushed } from '../../operator/cli';
import { runCli } from '../helpers/run-cli';

const SECRET = 'env-secret-that-must-not-show-0123';

/** `m2m token --client-secret-stdin` on the given stdin; the secret is also in M2M_CLIENT_SECRET. */
const run = (args: readonly string[], stdin: Readable, env: Record<string, string> = {}) =>
  runCli([...args, 'token', '--client-secret-stdin'], {
    // Nothing is sent: each run fails while it reads stdin.
    env: {
      M2M_CLIENT_SECRET: SECRET,
      M2M_CLIENT_ID: 'c',
      M2M_TOKEN_ENDPOINT: 'https://127.0.0.1:9/t',
      ...env,
    },
    stdin,
  });

/** A stdin whose read fails, as a broken pipe or device would. */
const failing = (error: Error) =>
  new Readable({
    read() {
      this.destroy(error);
    },
  });

test('an unforeseen failure: exit 1, one line, and a hint to run with --debug', async () => {
  const result = await run([], failing(new Error('EIO: i/o error, read')));

  expect(result).toEqual({
    code: 1,
    stdout: '',
    stderr: 'error: EIO: i/o error, read (run with --debug for details)\n',
  });
});

test('a foreseen one (bad input) gets no --debug hint', async () => {
  const result = await run([], Readable.from([]));

  expect(result).toEqual({
    code: 2,
    stdout: '',
    stderr: 'error: --client-secret-stdin read an empty client secret: pipe the secret in\n',
  });
});

test.each([
  ['--debug', ['--debug'], {}],
  ['M2M_DEBUG=1', [], { M2M_DEBUG: '1' }],
])('%s adds the stack, with terminal escapes neutralized and secrets masked', async (_how, args, env) => {
  const error = new Error(`read failed near ${SECRET}\u001b]0;owned\u0007`);
  const result = await run(args, failing(error), env);

  expect(result.code).toBe(1);
  const [line, ...stack] = result.stderr.trimEnd().split('\n');
  expect(line).toBe('error: read failed near *** (run with --debug for details)');
  expect(stack[0]).toBe('Error: read failed near ***');
  expect(stack[1]).toMatch(/^ {4}at /);
  expect(result.stderr).not.toContain(SECRET);
  // eslint-disable-next-line no-control-regex -- no escape may reach the terminal
  expect(result.stderr).not.toMatch(/[\u001b\u0007]/);
});

test('exitWhenFlushed exits with the code only once stdout and then stderr have flushed', () => {
  const flushed: Array<() => void> = [];
  const onFlush = (_chunk: unknown, callback?: unknown) => {
    flushed.push(callback as () => void);
    return true;
  };
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementationOnce(onFlush);
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementationOnce(onFlush);
  const exit = jest.spyOn(process, 'exit').mockImplementationOnce(() => undefined as never);
  try {
    exitWhenFlushed(3);
    expect([stdout.mock.calls.length, stderr.mock.calls.length, exit.mock.calls.length]).toEqual([1, 0, 0]);
    flushed[0]();
    expect([stderr.mock.calls.length, exit.mock.calls.length]).toEqual([1, 0]);
    flushed[1]();
    expect(exit).toHaveBeenCalledWith(3);
    // It only waits: nothing is added to what the command wrote.
    expect([stdout.mock.calls[0][0], stderr.mock.calls[0][0]]).toEqual(['', '']);
  } finally {
    [stdout, stderr, exit].forEach((spy) => spy.mockRestore());
  }
});
