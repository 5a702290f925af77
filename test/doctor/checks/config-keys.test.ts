import { afterEach, describe, expect, it } from 'vitest';
import { configKeys } from '../../../src/doctor/checks/config-keys.js';
import {
  compareSudoLogins,
  editDistance,
  judgeAuthConfigEnv,
  judgeCredHelperKeys,
  judgeTopLevelKeys,
  loginNames,
  passwdHome,
} from '../../../src/doctor/config-keys-judgement.js';
import { HomeContext } from './home-context.js';

describe('judgeTopLevelKeys (pure)', () => {
  it('leaves every field docker reads alone', () => {
    expect(judgeTopLevelKeys(['auths', 'credsStore', 'credHelpers', 'HttpHeaders', 'detachKeys', 'currentContext', 'features', 'aliases', 'proxies'])).toEqual([]);
  });
  it.each([
    ['credStore', 'credsStore'],
    ['credHelper', 'credHelpers'],
    ['auth', 'auths'],
    ['credsStroe', 'credsStore'],
    ['credentialsStore', 'credsStore'],
    ['detachKey', 'detachKeys'],
    ['currentContxt', 'currentContext'],
    ['httpHeader', 'HttpHeaders'],
  ])('%s is a misspelling of %s', (key, field) => {
    expect(judgeTopLevelKeys([key])).toEqual([{ kind: 'misspelled', key, field }]);
  });
  it.each([
    ['credsstore', 'credsStore'],
    ['CredHelpers', 'credHelpers'],
    ['httpheaders', 'HttpHeaders'],
    ['AUTHS', 'auths'],
  ])('%s is read by docker as %s (Go folds case)', (key, field) => {
    expect(judgeTopLevelKeys([key])).toEqual([{ kind: 'case', key, field }]);
  });
  it('calls a key far from every field unknown, not a misspelling', () => {
    expect(judgeTopLevelKeys(['stackOrchestrator', 'kubernetes', 'x'])).toEqual([
      { kind: 'unknown', key: 'stackOrchestrator' },
      { kind: 'unknown', key: 'kubernetes' },
      { kind: 'unknown', key: 'x' },
    ]);
  });
  it('counts a transposition as one edit', () => {
    expect(editDistance('ab', 'ba')).toBe(1);
    expect(editDistance('credstore', 'credsstore')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
  });
});

describe('judgeCredHelperKeys (pure)', () => {
  it('keeps host[:port] keys and Docker Hub’s own key', () => {
    expect(judgeCredHelperKeys({ 'reg.example.com': 'tsstore', 'localhost:5000': 'tsstore', 'https://index.docker.io/v1/': 'tsstore' })).toEqual([]);
  });
  it('reports a scheme, a path and a wildcard, with the key docker looks up', () => {
    expect(
      judgeCredHelperKeys({
        'https://reg.example.com/v2': 'tsstore',
        'reg.example.com': 'tsstore',
        'gcr.io/my-project': 'gcloud',
        '*.dkr.ecr.eu-west-1.amazonaws.com': 'ecr-login',
        'https://index.docker.io/v1': 'desktop',
      }),
    ).toEqual([
      { kind: 'url', key: 'https://reg.example.com/v2', host: 'reg.example.com', hostAlsoGiven: true },
      { kind: 'url', key: 'gcr.io/my-project', host: 'gcr.io', hostAlsoGiven: false },
      { kind: 'wildcard', key: '*.dkr.ecr.eu-west-1.amazonaws.com' },
      { kind: 'url', key: 'https://index.docker.io/v1', host: 'https://index.docker.io/v1/', hostAlsoGiven: false },
    ]);
  });
  it('ignores a credHelpers that is not an object', () => {
    expect(judgeCredHelperKeys('tsstore')).toEqual([]);
    expect(judgeCredHelperKeys(['a/b'])).toEqual([]);
  });
});

describe('judgeAuthConfigEnv (pure)', () => {
  const stored = { 'reg.example.com': {}, 'https://index.docker.io/v1/': {}, 'other.example': {} };
  it('is unset without the variable', () => {
    expect(judgeAuthConfigEnv(undefined, stored)).toEqual({ kind: 'unset' });
    expect(judgeAuthConfigEnv('', stored)).toEqual({ kind: 'unset' });
  });
  it('names the registries it covers and the stored logins it hides, whatever their spelling', () => {
    const value = JSON.stringify({ auths: { 'https://reg.example.com': { auth: 'c2VjcmV0' }, 'docker.io': { auth: 'eA==' }, 'ci.example': {} } });
    expect(judgeAuthConfigEnv(value, stored)).toEqual({
      kind: 'set',
      covers: ['ci.example', 'https://index.docker.io/v1/', 'reg.example.com'],
      hides: ['https://index.docker.io/v1/', 'reg.example.com'],
    });
  });
  it('says where the JSON breaks, never what it holds', () => {
    const state = judgeAuthConfigEnv('{"auths": {"reg": {"auth": "dG9wLXNlY3JldA=="}\n,}', stored);
    expect(state).toEqual({ kind: 'invalid', reason: 'is not valid JSON (line 2, column 2)' });
    expect(JSON.stringify(state)).not.toContain('dG9w');
  });
  it('rejects a value of the wrong shape', () => {
    expect(judgeAuthConfigEnv('[]', stored)).toEqual({ kind: 'invalid', reason: 'is not a JSON object' });
    expect(judgeAuthConfigEnv('{"auths": "x"}', stored)).toEqual({ kind: 'invalid', reason: 'has an "auths" that is not an object' });
  });
});

describe('sudo comparison (pure)', () => {
  it('lists the logins only one side has, one name per registry', () => {
    expect(compareSudoLogins({ 'root.example': {}, 'https://shared.example': {} }, { 'shared.example': {}, 'user.example:5000': {} })).toEqual({
      onlyRoot: ['root.example'],
      onlyUser: ['user.example:5000'],
    });
  });
  it('leaves Docker Hub token entries out of the logins', () => {
    expect(loginNames({ 'https://index.docker.io/v1/': {}, 'https://index.docker.io/v1/access-token': {}, 'index.docker.io': {} })).toEqual(['https://index.docker.io/v1/']);
  });
  it('finds a home folder in /etc/passwd', () => {
    const passwd = 'root:x:0:0:root:/root:/bin/bash\nbob:x:1000:1000:Bob,,,:/home/bob:/bin/bash\n';
    expect(passwdHome(passwd, 'bob')).toBe('/home/bob');
    expect(passwdHome(passwd, 'bo')).toBeUndefined();
  });
});

describe('config-keys check', () => {
  let context: HomeContext;
  afterEach(() => context.cleanup());

  it('is ok on a config docker reads as written', async () => {
    context = new HomeContext({ config: { auths: { 'reg.example': {} }, credsStore: 'tsstore', credHelpers: { 'gcr.io': 'gcloud' } } });
    expect(await configKeys.diagnose(context)).toMatchObject({ status: 'ok' });
  });

  it('reports a misspelled key with the command that opens the file, and no secret', async () => {
    context = new HomeContext({ config: { auths: {}, credStore: 'tsstore' }, env: { DOCKER_AUTH_CONFIG: JSON.stringify({ auths: { 'reg.example': { auth: 'c2VjcmV0LXZhbHVl' } } }) } });
    const diagnosis = await configKeys.diagnose(context);
    const path = context.path('.docker/config.json');
    expect(diagnosis).toMatchObject({ status: 'problem', fixable: false, commands: [`\${EDITOR:-nano} ${path}`] });
    expect(diagnosis.details[0]).toBe(`${path} has "credStore", which docker ignores: rename it to "credsStore"`);
    expect(JSON.stringify(diagnosis)).not.toContain('c2VjcmV0');
  });
});
