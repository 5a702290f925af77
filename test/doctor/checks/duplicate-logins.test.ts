/** duplicate-logins on the fake context: diagnose changes nothing, --fix erases only what may go. */
import { describe, expect, it } from 'vitest';
import { duplicateLogins } from '../../../src/doctor/checks/duplicate-logins.js';
import { runChecks } from '../../../src/doctor/runner.js';
import { TsstoreError } from '../../../src/errors.js';
import { FakeContext } from '../fake-context.js';

const alice = { username: 'alice', secret: 'a-secret' };
const bob = { username: 'bob', secret: 'b-secret' };

async function withLogins(context: FakeContext, logins: Record<string, { username: string; secret: string }>): Promise<FakeContext> {
  for (const [key, login] of Object.entries(logins)) await context.backend.add(key, login);
  return context;
}

describe('duplicate-logins check', () => {
  it('diagnose writes nothing; --fix leaves the key docker reads and removes the empty entry', async () => {
    const configText = JSON.stringify({ auths: { 'reg:5000': {}, 'gone.example': {}, 'kept.example': { email: 'x@y', other: 1 } }, credsStore: 'tsstore' }, null, '\t');
    const context = await withLogins(new FakeContext({ configText }), {
      'reg:5000': alice,
      'http://reg:5000': alice,
      'https://reg:5000/': alice,
      'https://index.docker.io/v1//access-token': bob,
    });
    const looked = await runChecks([duplicateLogins], context, { fix: false, only: [] });
    expect(looked.checks[0]?.status).toBe('problem');
    expect(context.writes).toEqual([]);
    expect(context.backend.logins.size).toBe(4);
    expect(looked.checks[0]?.details.join('\n')).not.toMatch(/a-secret|b-secret/);

    const fixed = await runChecks([duplicateLogins], context, { fix: true, only: [] });
    expect(fixed.checks[0]).toMatchObject({ status: 'fixed' });
    expect(fixed.checks[0]?.details).toEqual([
      'erased http://reg:5000 from tsstore: the same login as reg:5000, which still answers for it',
      'erased https://reg:5000/ from tsstore: the same login as reg:5000, which still answers for it',
      'erased https://index.docker.io/v1//access-token from tsstore: a Docker Desktop token entry the docker CLI never reads',
      'removed 1 entry with no login from "auths" in /home/u/.docker/config.json: gone.example',
    ]);
    expect([...context.backend.logins.keys()]).toEqual(['reg:5000']);
    expect(context.config).toEqual({ auths: { 'reg:5000': {}, 'kept.example': { email: 'x@y', other: 1 } }, credsStore: 'tsstore' });
  });

  it('a differing login is left, and the check stays a problem without a fix', async () => {
    const context = await withLogins(new FakeContext({ configText: '{"credsStore": "tsstore"}' }), { 'reg:5000': alice, 'https://reg:5000': bob });
    const report = await runChecks([duplicateLogins], context, { fix: true, only: [] });
    expect(report.ok).toBe(false);
    expect(report.checks[0]?.status).toBe('problem');
    expect(context.backend.logins.size).toBe(2);
    expect(report.checks[0]?.details).toContain('  https://reg:5000: another login (user bob) than the one docker uses (user alice, from reg:5000); both kept');
  });

  it('a login changed between the look and the erase is left', async () => {
    const context = await withLogins(new FakeContext({ configText: '{}' }), { 'reg:5000': alice, 'http://reg:5000': alice });
    const get = context.backend.get.bind(context.backend);
    let reads = 0;
    // diagnose reads each login once (the fix works from what it found); the re-check before the erase then sees a new one.
    context.backend.get = async (key) => (++reads > 2 && key === 'http://reg:5000' ? bob : get(key));
    const report = await runChecks([duplicateLogins], context, { fix: true, only: [] });
    expect(report.checks[0]?.details).toContain('left http://reg:5000 in tsstore: its login changed while doctor ran');
    expect(context.backend.logins.size).toBe(2);
  });

  it('config.json with a key given twice: nothing is fixed, not even in tsstore', async () => {
    const configText = '{"auths": {"gone.example": {}}, "auths": {"gone.example": {}}, "credsStore": "tsstore"}';
    const context = await withLogins(new FakeContext({ configText }), { 'reg:5000': alice, 'http://reg:5000': alice });
    const report = await runChecks([duplicateLogins], context, { fix: true, only: [] });
    expect(report.checks[0]?.details).toContain('not fixed: config.json must be fixed by hand first (see config-json)');
    expect(context.writes).toEqual([]);
    expect(context.backend.logins.size).toBe(2);
  });

  it('no duplicates: ok', async () => {
    const context = await withLogins(new FakeContext({ configText: '{"auths": {"reg:5000": {}}, "credsStore": "tsstore"}' }), { 'reg:5000': alice });
    const report = await runChecks([duplicateLogins], context, { fix: false, only: [] });
    expect(report.checks[0]?.status).toBe('ok');
  });

  it('a store that cannot be listed: skipped, with the reason, never ok', async () => {
    const context = new FakeContext({ configText: '{"credsStore": "tsstore"}' });
    context.backend.list = async () => {
      throw new TsstoreError('locked', 'the store key is locked: run docker-credential-tsstore unlock');
    };
    const report = await runChecks([duplicateLogins], context, { fix: false, only: [] });
    expect(report.checks[0]?.status).toBe('skipped');
    expect(report.checks[0]?.details).toContain('cannot list the logins in tsstore (see backend): only config.json is judged');
  });
});
