/**
 * Every command's --help, as users read it: the options, their defaults and variables, and the
 * examples. A snapshot, so a changed word shows in review; the exit code and streams are asserted.
 */
import { version } from '../../package.json';
import { runCli, TEST_TIMEOUT_MS } from '../helpers/run-cli';

jest.setTimeout(TEST_TIMEOUT_MS);

test.each([
  [[]],
  [['token']],
  [['verify']],
  [['rotate-secret']],
  [['rotate-secret', 'start']],
  [['rotate-secret', 'finish']],
  [['rotate-secret', 'status']],
  [['doctor']],
  [['adopt']],
  [['drift']],
])('m2m %p --help', async (command) => {
  const result = await runCli([...command, '--help']);

  expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
  expect(result.stdout).toMatchSnapshot();
});

test('--version prints the version of package.json', async () => {
  const result = await runCli(['--version']);

  expect(result).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
});
