import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { contextMetaPath } from '../../../src/docker/docker-endpoint.js';
import { dockerContext, judgeDockerContext } from '../../../src/doctor/checks/docker-context.js';
import { runChecks } from '../../../src/doctor/runner.js';
import { HomeContext } from './home-context.js';

describe('judgeDockerContext (pure)', () => {
  const exists = (name: string) => name === 'remote';
  it.each([
    [{ currentContext: undefined }, { kind: 'default' }],
    [{ currentContext: '' }, { kind: 'default' }],
    [{ currentContext: 'default' }, { kind: 'default' }],
    [{ currentContext: 'remote' }, { kind: 'exists', name: 'remote' }],
    [{ currentContext: 'desktop-linux' }, { kind: 'missing', name: 'desktop-linux' }],
    [{ currentContext: 42 }, { kind: 'invalid', value: '42' }],
    [{ currentContext: 'desktop-linux', dockerHost: 'unix:///x.sock' }, { kind: 'overridden', variable: 'DOCKER_HOST', missing: false }],
    [{ currentContext: 'desktop-linux', dockerContext: 'default' }, { kind: 'overridden', variable: 'DOCKER_CONTEXT', name: 'default', missing: false }],
    [{ currentContext: undefined, dockerContext: 'gone' }, { kind: 'overridden', variable: 'DOCKER_CONTEXT', name: 'gone', missing: true }],
  ] as const)('%j -> %j', (inputs, expected) => {
    expect(judgeDockerContext({ ...inputs, exists })).toEqual(expected);
  });
  it('finds context metadata where the docker CLI keeps it (sha256 of the name)', () => {
    expect(contextMetaPath('/c', 'desktop-linux')).toBe('/c/contexts/meta/fe9c6bd7a66301f49ca9b6a70b217107cd1284598bfc254700c989b916da791e/meta.json');
  });
});

describe('docker-context check', () => {
  let context: HomeContext;
  afterEach(() => context.cleanup());

  it('removes a currentContext that does not exist, keeping every other key', async () => {
    context = new HomeContext({ config: { auths: { 'reg.example': {} }, currentContext: 'desktop-linux', credsStore: 'tsstore' } });
    const report = await runChecks([dockerContext], context, { fix: true, only: [] });
    expect(report.checks[0]?.status).toBe('fixed');
    expect(JSON.parse(context.read('.docker/config.json'))).toEqual({ auths: { 'reg.example': {} }, credsStore: 'tsstore' });
  });

  it('leaves a context that exists alone', async () => {
    context = new HomeContext({ config: { currentContext: 'remote' } });
    const meta = contextMetaPath(join(context.home, '.docker'), 'remote');
    mkdirSync(dirname(meta), { recursive: true });
    writeFileSync(meta, '{"Name":"remote"}');
    const report = await runChecks([dockerContext], context, { fix: true, only: [] });
    expect(report.checks[0]?.status).toBe('ok');
    expect(context.configWrites).toEqual([]);
  });

  it('cannot fix a missing DOCKER_CONTEXT (an environment variable) and says what to run', async () => {
    context = new HomeContext({ config: {}, env: { DOCKER_CONTEXT: 'gone' } });
    const report = await runChecks([dockerContext], context, { fix: true, only: [] });
    expect(report.checks[0]?.status).toBe('problem');
    expect(report.checks[0]?.details).toContain('run: unset DOCKER_CONTEXT   # and remove it from the shell start-up file that sets it');
    expect(context.configWrites).toEqual([]);
  });
});
