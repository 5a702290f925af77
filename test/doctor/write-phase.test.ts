/**
 * A check's write phase (`verify`: a probe credential, a docker login) runs only when its flag was
 * given, after diagnose; diagnose itself never writes, whatever the flags.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Check, Diagnosis } from '../../src/doctor/check.js';
import { backend } from '../../src/doctor/checks/backend.js';
import { registryLogin } from '../../src/doctor/checks/registry-login.js';
import type { DoctorContext } from '../../src/doctor/context.js';
import { runChecks } from '../../src/doctor/runner.js';
import type { HttpOutcome } from '../../src/registry/http-request.js';
import { cleanUpHomes, home } from './checks/home-context.js';
import { FakeContext } from './fake-context.js';
import { writingCheck } from './writing-check.js';

afterEach(cleanUpHomes);

async function runBoth(context: DoctorContext, fix: boolean) {
  const calls = { fix: [] as Diagnosis[], login: [] as Diagnosis[] };
  const report = await runChecks([writingCheck('fix', calls.fix), writingCheck('login', calls.login)], context, { fix, only: [] });
  return { calls, details: report.checks.map((check) => [check.id, check.status, check.details]) };
}

describe('the runner and a check\'s write phase', () => {
  it('without --fix and --login, never runs it: the report is what diagnose found', async () => {
    const { calls, details } = await runBoth(new FakeContext(), false);
    expect(calls).toEqual({ fix: [], login: [] });
    expect(details).toEqual([
      ['writes-under-fix', 'ok', ['looked']],
      ['writes-under-login', 'ok', ['looked']],
    ]);
  });

  it('--fix runs only the phases --fix allows, after diagnose, and reports what they return', async () => {
    const { calls, details } = await runBoth(new FakeContext(), true);
    expect(calls).toEqual({ fix: [{ status: 'ok', details: ['looked'] }], login: [] });
    expect(details).toEqual([
      ['writes-under-fix', 'ok', ['looked', 'wrote under --fix']],
      ['writes-under-login', 'ok', ['looked']],
    ]);
  });

  it('--login runs only the phases --login allows', async () => {
    const { calls, details } = await runBoth(home({ login: true }), false);
    expect(calls).toEqual({ fix: [], login: [{ status: 'ok', details: ['looked'] }] });
    expect(details).toEqual([
      ['writes-under-fix', 'ok', ['looked']],
      ['writes-under-login', 'ok', ['looked', 'wrote under --login']],
    ]);
  });

  it('a write phase that throws is reported as the check crashing, and the next check runs', async () => {
    const throwing: Check = {
      id: 'throws',
      title: 'Throws while writing',
      async diagnose() {
        return { status: 'ok', details: [] };
      },
      verify: {
        when: 'fix',
        async run() {
          throw new Error('disk full');
        },
      },
    };
    const calls: Diagnosis[] = [];
    const report = await runChecks([throwing, writingCheck('fix', calls)], new FakeContext(), { fix: true, only: [] });
    expect(report.checks.map((check) => [check.id, check.status, check.details])).toEqual([
      ['throws', 'crashed', ['the check itself failed: disk full']],
      ['writes-under-fix', 'ok', ['looked', 'wrote under --fix']],
    ]);
  });
});

describe('the checks that write do it in their write phase only', () => {
  it('backend: diagnose writes no probe credential, even on a context set up for --fix', async () => {
    const context = new FakeContext({ fixing: true });
    const added: string[] = [];
    const add = context.backend.add.bind(context.backend);
    context.backend.add = async (key, login) => {
      added.push(key);
      await add(key, login);
    };
    await backend.diagnose(context);
    expect(added).toEqual([]);
    expect(backend.verify?.when).toBe('fix');
    // The same check through the runner with --fix writes (and erases) its probe.
    const report = await runChecks([backend], context, { fix: true, only: [] });
    expect(added).toHaveLength(1);
    expect(report.checks[0]?.details).toContain('wrote, read back and erased a probe credential');
    expect([...context.backend.logins.keys()]).toEqual([]);
  });

  it('backend: --fix with an unreadable config.json writes no probe credential (the runner holds it back)', async () => {
    const context = new FakeContext({ fixing: true, configText: '{' });
    const added: string[] = [];
    const add = context.backend.add.bind(context.backend);
    context.backend.add = async (key, login) => {
      added.push(key);
      await add(key, login);
    };
    const report = await runChecks([backend], context, { fix: true, only: [] });
    expect(added).toEqual([]);
    expect(report.checks[0]?.details).not.toContain('wrote, read back and erased a probe credential');
  });

  it('registry-login: diagnose runs no docker login, even on a context with --login', async () => {
    const ok: HttpOutcome = { kind: 'response', status: 200, headers: {}, body: '' };
    const context = home({ login: true, config: { credsStore: 'tsstore' }, http: () => ok, docker: () => ({ stdout: 'Login Succeeded\n', stderr: '', exitCode: 0 }) });
    await context.backend.add('127.0.0.1:5000', { username: 'alice', secret: 'pw' });
    await registryLogin.diagnose(context);
    expect(context.dockerRuns).toEqual([]);
    expect(registryLogin.verify?.when).toBe('login');
    await runChecks([registryLogin], context, { fix: false, only: [] });
    expect(context.dockerRuns.map((run) => run.args)).toEqual([['login', '-u', 'alice', '--password-stdin', '127.0.0.1:5000']]);
  });
});
