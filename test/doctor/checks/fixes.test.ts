/** What each fix does to config.json and the store, on the fake context. */
import { describe, expect, it } from 'vitest';
import { configJson } from '../../../src/doctor/checks/config-json.js';
import { missingCredHelpers } from '../../../src/doctor/checks/cred-helpers.js';
import { credsStore, judgeCredsStore } from '../../../src/doctor/checks/creds-store.js';
import { tooOpen } from '../../../src/doctor/checks/file-permissions.js';
import { plaintextCredentials } from '../../../src/doctor/checks/plaintext-credentials.js';
import { runChecks } from '../../../src/doctor/runner.js';
import { TsstoreError } from '../../../src/errors.js';
import { FakeContext, b64 } from '../fake-context.js';

describe('plaintext-credentials fix', () => {
  it('stores each secret, reads it back, then removes it and points docker at tsstore', async () => {
    const context = new FakeContext({
      configText: JSON.stringify({
        auths: { 'reg.a': { auth: b64('alice:p:w'), email: 'a@x' }, 'https://index.docker.io/v1/': { auth: b64('hub:x'), identitytoken: 'idtok' }, 'reg.c': { registrytoken: 'bearer' } },
        'x-unknown': [1, { deep: true }],
      }),
    });
    const report = await runChecks([plaintextCredentials], context, { fix: true, only: [] });
    expect(await context.backend.get('reg.a')).toEqual({ username: 'alice', secret: 'p:w' });
    expect(await context.backend.get('https://index.docker.io/v1/')).toEqual({ username: '<token>', secret: 'idtok' });
    expect(context.config).toEqual({
      auths: { 'reg.a': { email: 'a@x' }, 'https://index.docker.io/v1/': {}, 'reg.c': { registrytoken: 'bearer' } },
      'x-unknown': [1, { deep: true }],
      credsStore: 'tsstore',
    });
    // The registry token cannot move: it stays reported, with the login command.
    expect(report.checks[0]?.status).toBe('problem');
    expect(report.checks[0]?.details).toContain('left reg.c: it holds a registry token, which no credential helper can keep; log in again: docker login reg.c');
  });

  it('changes nothing when the store fails', async () => {
    const text = JSON.stringify({ auths: { 'reg.a': { auth: b64('alice:pw') } } });
    const context = new FakeContext({ configText: text });
    context.backend.add = async () => {
      throw new TsstoreError('io', 'cannot write /store: the file system is read-only');
    };
    const report = await runChecks([plaintextCredentials], context, { fix: true, only: [] });
    expect(context.configText).toBe(text);
    expect(context.writes).toEqual([]);
    expect(report.checks[0]?.status).toBe('problem');
  });

  it('does not switch docker away from another helper behind the creds-store check', async () => {
    const text = JSON.stringify({ auths: { 'reg.a': { auth: b64('alice:pw') } }, credsStore: 'pass' });
    const context = new FakeContext({ configText: text, helpers: ['tsstore', 'pass'] });
    const report = await runChecks([plaintextCredentials], context, { fix: true, only: [] });
    expect(context.configText).toBe(text);
    expect(report.checks[0]?.details.join('\n')).toContain('run doctor --fix creds-store first');
  });

  it('refuses to point docker at tsstore when docker could not run it', async () => {
    const text = JSON.stringify({ auths: { 'reg.a': { auth: b64('alice:pw') } } });
    const context = new FakeContext({ configText: text, helpers: [] });
    await runChecks([plaintextCredentials], context, { fix: true, only: [] });
    expect(context.configText).toBe(text);
  });
});

describe('creds-store fix', () => {
  it('moves what the old helper holds through its list and get, then switches', async () => {
    const context = new FakeContext({
      configText: JSON.stringify({ auths: { 'reg.a': {}, 'reg.b': {} }, credsStore: 'pass' }),
      helpers: ['tsstore', 'pass'],
      helperAnswers: {
        pass: {
          'list unused': { stdout: '{"reg.a":"alice","reg.b":"bob"}\n', stderr: '', exitCode: 0 },
          'get reg.a': { stdout: '{"ServerURL":"reg.a","Username":"alice","Secret":"pa"}\n', stderr: '', exitCode: 0 },
          'get reg.b': { stdout: '{"ServerURL":"reg.b","Username":"","Secret":""}\n', stderr: '', exitCode: 0 },
        },
      },
    });
    const report = await runChecks([credsStore], context, { fix: true, only: [] });
    expect(report.checks[0]?.status).toBe('fixed');
    expect(await context.backend.get('reg.a')).toEqual({ username: 'alice', secret: 'pa' });
    expect(context.config.credsStore).toBe('tsstore');
    expect(report.checks[0]?.details).toEqual([
      'moved 1 login(s) from docker-credential-pass: reg.a',
      'set "credsStore": "tsstore" in /home/u/.docker/config.json',
      'could not move reg.b from docker-credential-pass: docker-credential-pass answers an empty login; log in again: docker login reg.b',
    ]);
  });

  it('leaves everything as it was when the old helper cannot list', async () => {
    const text = JSON.stringify({ credsStore: 'pass' });
    const context = new FakeContext({
      configText: text,
      helpers: ['tsstore', 'pass'],
      helperAnswers: { pass: { 'list unused': { stdout: 'pass not initialized\n', stderr: '', exitCode: 1 } } },
    });
    const report = await runChecks([credsStore], context, { fix: true, only: [] });
    expect(context.configText).toBe(text);
    expect(report.checks[0]?.details.join('\n')).toContain('docker-credential-pass list failed: pass not initialized; nothing was changed');
  });

  it('lists the registries whose secret was in a helper that is gone', async () => {
    const context = new FakeContext({ configText: JSON.stringify({ auths: { 'https://index.docker.io/v1/': {}, 'ghcr.io': {} }, credsStore: 'desktop' }) });
    const report = await runChecks([credsStore], context, { fix: true, only: [] });
    expect(report.checks[0]?.status).toBe('fixed');
    expect(report.checks[0]?.details).toContain(
      'log in again to https://index.docker.io/v1/ (its secret was in docker-credential-desktop, which is not installed): docker login',
    );
    expect(report.checks[0]?.details).toContain('log in again to ghcr.io (its secret was in docker-credential-desktop, which is not installed): docker login ghcr.io');
  });

  it('judges credsStore values', () => {
    const onPath = (helper: string) => ['tsstore', 'pass'].includes(helper);
    expect(judgeCredsStore(undefined, onPath)).toEqual({ kind: 'missing' });
    expect(judgeCredsStore('', onPath)).toEqual({ kind: 'missing' });
    expect(judgeCredsStore('tsstore', onPath)).toEqual({ kind: 'ok' });
    expect(judgeCredsStore('tsstore', () => false)).toEqual({ kind: 'tsstore-not-on-path' });
    expect(judgeCredsStore('pass', onPath)).toEqual({ kind: 'other-helper', helper: 'pass' });
    expect(judgeCredsStore('desktop', onPath)).toEqual({ kind: 'helper-missing', helper: 'desktop' });
    expect(judgeCredsStore(['x'], onPath)).toEqual({ kind: 'invalid', value: '["x"]' });
  });
});

describe('config-json fix', () => {
  it('removes only the byte-order mark', async () => {
    const context = new FakeContext({ configText: '\ufeff{ "credsStore" :"tsstore",\r\n  "odd":   1 }' });
    const report = await runChecks([configJson], context, { fix: true, only: [] });
    expect(report.checks[0]?.status).toBe('fixed');
    expect(context.configText).toBe('{ "credsStore" :"tsstore",\r\n  "odd":   1 }');
  });
});

describe('pure judgements', () => {
  it('finds credHelpers whose helper is missing', () => {
    expect(missingCredHelpers({ 'gcr.io': 'gcloud', 'x.io': 'pass', y: '' }, (helper) => helper === 'pass')).toEqual([{ registry: 'gcr.io', helper: 'gcloud' }]);
    expect(missingCredHelpers('nonsense', () => false)).toEqual([]);
  });
  it('finds files open to group or others', () => {
    expect(
      tooOpen([
        { path: '/c.json', mode: 0o644, directory: false },
        { path: '/d', mode: 0o755, directory: true },
        { path: '/k', mode: 0o600, directory: false },
        { path: '/e', mode: 0o700, directory: true },
      ]),
    ).toEqual([
      { path: '/c.json', mode: 0o644, directory: false, wanted: 0o600 },
      { path: '/d', mode: 0o755, directory: true, wanted: 0o700 },
    ]);
  });
});
