/**
 * Each check's judgement on real-world shapes of config.json: Docker Desktop, WSL, cloud credHelpers,
 * proxies, plugins, contexts, empty, BOM, CRLF, broken, and the plain-text forms docker and podman write.
 */
import { describe, expect, it } from 'vitest';
import { configJson } from '../../../src/doctor/checks/config-json.js';
import { credHelpers } from '../../../src/doctor/checks/cred-helpers.js';
import { credsStore } from '../../../src/doctor/checks/creds-store.js';
import { plaintextCredentials } from '../../../src/doctor/checks/plaintext-credentials.js';
import { FakeContext, b64 } from '../fake-context.js';

type Status = 'ok' | 'problem' | 'skipped';
interface Shape {
  name: string;
  text: string | undefined;
  helpers?: string[];
  expect: { 'config-json': Status; 'creds-store': Status; 'plaintext-credentials': Status; 'cred-helpers': Status };
}

const all = (status: Status) => ({ 'config-json': status, 'creds-store': status, 'plaintext-credentials': status, 'cred-helpers': status });

const shapes: Shape[] = [
  { name: 'no config.json at all', text: undefined, expect: { ...all('ok'), 'creds-store': 'problem' } },
  { name: 'an empty file', text: '', expect: { ...all('ok'), 'creds-store': 'problem' } },
  { name: 'set up for tsstore', text: '{\n\t"auths": {\n\t\t"reg.example": {}\n\t},\n\t"credsStore": "tsstore"\n}', expect: all('ok') },
  {
    name: 'Docker Desktop copied to Linux',
    text: JSON.stringify({ auths: { 'https://index.docker.io/v1/': {} }, credsStore: 'desktop', currentContext: 'desktop-linux' }),
    expect: { ...all('ok'), 'creds-store': 'problem' },
  },
  { name: 'WSL pointing at the Windows helper', text: '{"credsStore": "desktop.exe"}', expect: { ...all('ok'), 'creds-store': 'problem' } },
  {
    name: 'a first docker login with no helper',
    text: JSON.stringify({ auths: { 'https://index.docker.io/v1/': { auth: b64('alice:pw') } } }),
    expect: { ...all('ok'), 'creds-store': 'problem', 'plaintext-credentials': 'problem' },
  },
  {
    name: 'gcloud credHelpers without gcloud installed',
    text: JSON.stringify({ credHelpers: { 'gcr.io': 'gcloud', 'us-docker.pkg.dev': 'gcloud' }, credsStore: 'tsstore' }),
    expect: { ...all('ok'), 'cred-helpers': 'problem' },
  },
  {
    name: 'ECR credHelpers with the helper installed',
    text: JSON.stringify({ credHelpers: { '123456789012.dkr.ecr.eu-west-1.amazonaws.com': 'ecr-login' }, credsStore: 'tsstore' }),
    helpers: ['tsstore', 'ecr-login'],
    expect: all('ok'),
  },
  {
    name: 'proxies',
    text: JSON.stringify({ proxies: { default: { httpProxy: 'http://proxy:3128', noProxy: 'localhost,127.0.0.1' } }, credsStore: 'tsstore' }),
    expect: all('ok'),
  },
  {
    name: 'plugins and hooks',
    text: JSON.stringify({ cliPluginsExtraDirs: ['/opt/docker/cli-plugins'], plugins: { debug: { hooks: 'exec' } }, features: { hooks: 'true' }, credsStore: 'tsstore' }),
    expect: all('ok'),
  },
  { name: 'a current context', text: '{"currentContext": "remote-builder", "credsStore": "tsstore", "detachKeys": "ctrl-e,e"}', expect: all('ok') },
  {
    name: 'a byte-order mark from a Windows editor',
    text: '\ufeff{"credsStore": "tsstore"}',
    expect: { ...all('ok'), 'config-json': 'problem' },
  },
  { name: 'CRLF line ends', text: '{\r\n\t"credsStore": "tsstore"\r\n}\r\n', expect: all('ok') },
  { name: 'a pass user', text: '{"credsStore": "pass"}', helpers: ['tsstore', 'pass'], expect: { ...all('ok'), 'creds-store': 'problem' } },
  { name: 'broken JSON', text: '{\n\t"auths": {\n', expect: { 'config-json': 'problem', 'creds-store': 'skipped', 'plaintext-credentials': 'skipped', 'cred-helpers': 'skipped' } },
  { name: 'an array instead of an object', text: '[]', expect: { 'config-json': 'problem', 'creds-store': 'skipped', 'plaintext-credentials': 'skipped', 'cred-helpers': 'skipped' } },
  {
    name: 'an identity token next to credsStore',
    text: JSON.stringify({ auths: { 'https://index.docker.io/v1/': { auth: b64('u:p'), identitytoken: 'tok' } }, credsStore: 'tsstore' }),
    expect: { ...all('ok'), 'plaintext-credentials': 'problem' },
  },
  {
    name: 'podman-style username and password',
    text: JSON.stringify({ auths: { 'quay.io': { username: 'robot', password: 'pw' } }, credsStore: 'tsstore' }),
    expect: { ...all('ok'), 'plaintext-credentials': 'problem' },
  },
  { name: 'auths is null', text: '{"auths": null, "credsStore": "tsstore"}', expect: all('ok') },
  { name: 'tsstore named but not installed', text: '{"credsStore": "tsstore"}', helpers: [], expect: { ...all('ok'), 'creds-store': 'problem' } },
  { name: 'credsStore is not a string', text: '{"credsStore": 1}', expect: { ...all('ok'), 'creds-store': 'problem' } },
];

describe('check judgements on real-world config.json shapes', () => {
  it('covers at least 15 shapes', () => expect(shapes.length).toBeGreaterThanOrEqual(15));

  it.each(shapes)('$name', async (shape) => {
    const context = new FakeContext({ configText: shape.text, helpers: shape.helpers });
    const statuses = {
      'config-json': (await configJson.diagnose(context)).status,
      'creds-store': (await credsStore.diagnose(context)).status,
      'plaintext-credentials': (await plaintextCredentials.diagnose(context)).status,
      'cred-helpers': (await credHelpers.diagnose(context)).status,
    };
    expect(statuses).toEqual(shape.expect);
    expect(context.writes).toEqual([]);
  });

  it('names line and column of broken JSON and offers no fix', async () => {
    const diagnosis = await configJson.diagnose(new FakeContext({ configText: '{\n\t"auths": {\n' }));
    expect(diagnosis.fixable).toBe(false);
    expect(diagnosis.details[0]).toBe('/home/u/.docker/config.json is not valid JSON (line 3, column 1); fix it by hand');
  });

  it('never puts a secret into any detail', async () => {
    for (const shape of shapes) {
      const context = new FakeContext({ configText: shape.text, helpers: shape.helpers });
      for (const check of [configJson, credsStore, plaintextCredentials, credHelpers]) {
        const text = JSON.stringify(await check.diagnose(context));
        for (const secret of ['alice:pw', b64('alice:pw'), 'tok"', '"pw"', b64('u:p')]) expect(text).not.toContain(secret);
      }
    }
  });
});
