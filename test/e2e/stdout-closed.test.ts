/**
 * `get` and `list` whose stdout is closed (`>&-`) did not deliver their answer: exit 1 and one line on
 * stderr. bun puts a read-write /dev/null on a closed fd 1, so the write itself succeeded and the exit
 * code said 0. A shell's own `>/dev/null` is a person's choice: exit 0. docker-credential-pass (0.6.4)
 * exits 0 for `get` either way (it ignores the write's error) and 1 for `list`; `version` exits 0 in both.
 */
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HELPER_BINARY, type TemporaryHome, runHelper, temporaryHome } from '../support/helper-binary.js';

let home: TemporaryHome;

/** `redirect` is the shell's, applied to stdout; the spawn has a bound, so a hang fails the test. */
async function runRedirected(verb: string, input: string, redirect: '>&-' | '>/dev/null') {
  const result = await execa('sh', ['-c', `exec "$0" "$1" ${redirect}`, HELPER_BINARY, verb], { input, env: home.env, extendEnv: false, reject: false, timeout: 20_000 });
  return { exitCode: result.exitCode, stderr: String(result.stderr), timedOut: result.timedOut };
}

beforeAll(async () => {
  home = temporaryHome('tsstore-e2e-stdout-');
  home.env.TSSTORE_BACKEND = 'pgp';
  const stored = await runHelper(['store'], { env: home.env, input: JSON.stringify({ ServerURL: 'reg.example:5000', Username: 'alice', Secret: 'secret-of-alice' }) });
  expect(stored.exitCode, stored.stdout).toBe(0);
});
afterAll(() => home.cleanup());

describe('an answer that cannot be delivered', () => {
  it.each([
    ['get', 'reg.example:5000'],
    ['list', 'unused'],
  ])('%s with stdout closed: exit 1 and one line on stderr', async (verb, input) => {
    expect(await runRedirected(verb, input, '>&-')).toEqual({ exitCode: 1, stderr: 'stdout is closed (or a read-write /dev/null): the answer was not delivered', timedOut: false });
  });

  it.each([
    ['get', 'reg.example:5000'],
    ['list', 'unused'],
  ])('%s with stdout sent to /dev/null by the shell: exit 0, as asked', async (verb, input) => {
    expect(await runRedirected(verb, input, '>/dev/null')).toEqual({ exitCode: 0, stderr: '', timedOut: false });
  });

  it('a get miss with stdout closed still exits 1 (its error line is lost, its exit code is not)', async () => {
    expect(await runRedirected('get', 'nothere.example', '>&-')).toMatchObject({ exitCode: 1, timedOut: false });
  });
});
