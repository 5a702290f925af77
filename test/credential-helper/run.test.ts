/**
 * runCredentialHelper's bound holds for a helper whose child keeps its output pipes open (a shell script
 * that runs `sleep`, a stuck gpg): before, execa killed the helper at the deadline and then waited for the
 * pipes to close, that is until the child ended.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TIMED_OUT_EXIT_CODE, runCredentialHelper } from '../../src/credential-helper/run.js';

let dir = '';
afterEach(() => {
  // The orphaned child is the test's to end.
  try {
    process.kill(Number(readFileSync(join(dir, 'child.pid'), 'utf8')), 'SIGKILL');
  } catch {
    // gone, or never started
  }
  rmSync(dir, { recursive: true, force: true });
});

function helper(script: string): string {
  dir = mkdtempSync(join(tmpdir(), 'tsstore-run-'));
  const program = join(dir, 'docker-credential-x');
  writeFileSync(program, `#!/bin/sh\n${script}\n`);
  chmodSync(program, 0o755);
  return program;
}

describe('runCredentialHelper', () => {
  it('answers with the helper\'s output and exit code', async () => {
    const program = helper('read line; printf "got %s\\n" "$line"; exit 3');
    expect(await runCredentialHelper(program, 'get', 'reg.example\n', { PATH: '/usr/bin:/bin' })).toEqual({ stdout: 'got reg.example\n', stderr: '', exitCode: 3 });
  });

  // The child sleeps longer than the test may run: the old wait for the pipes made this test time out.
  it('a helper whose child holds the pipes open ends at the deadline, as "timed out"', async () => {
    const program = helper(`sleep 600 & echo $! > "${'$'}(dirname "$0")/child.pid"; wait`);
    expect(await runCredentialHelper(program, 'get', 'reg.example', { PATH: '/usr/bin:/bin' }, 300)).toEqual({ stdout: '', stderr: '', exitCode: TIMED_OUT_EXIT_CODE });
  });
});
