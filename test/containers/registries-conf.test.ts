import { describe, expect, it } from 'vitest';
import {
  containersAuthFiles,
  effectiveCredentialHelpers,
  parseCredentialHelpers,
  registriesConfFiles,
} from '../../src/containers/registries-conf.js';

describe('parseCredentialHelpers', () => {
  it.each([
    ['credential-helpers = ["tsstore"]', ['tsstore']],
    ['credential-helpers=["containers-auth.json", \'pass\']', ['containers-auth.json', 'pass']],
    ['# a comment\nunqualified-search-registries = ["docker.io"]\ncredential-helpers = [\n  "tsstore", # ours\n  "containers-auth.json",\n]\n', ['tsstore', 'containers-auth.json']],
    ['"credential-helpers" = []', []],
    ['credential-helpers = ["a#b"] # trailing', ['a#b']],
    ['credential-helpers = ["x"]\r\n[[registry]]\r\nlocation = "r"', ['x']],
  ])('%j', (toml, helpers) => expect(parseCredentialHelpers(toml)).toEqual(helpers));

  it.each([
    ['', undefined],
    ['# credential-helpers = ["tsstore"]', undefined],
    ['[[registry]]\ncredential-helpers = ["inside a table"]', undefined],
    ['unqualified-search-registries = ["docker.io"]', undefined],
  ])('not set in %j', (toml, helpers) => expect(parseCredentialHelpers(toml)).toEqual(helpers));
});

describe('effectiveCredentialHelpers', () => {
  it('lets the last file that sets it win, and defaults to containers-auth.json', () => {
    expect(effectiveCredentialHelpers([])).toEqual({ helpers: ['containers-auth.json'] });
    expect(
      effectiveCredentialHelpers([
        { path: '/etc/containers/registries.conf', text: 'credential-helpers = ["pass"]' },
        { path: '/h/.config/containers/registries.conf.d/50-tsstore.conf', text: 'credential-helpers = ["tsstore"]' },
        { path: '/h/.config/containers/registries.conf.d/60-other.conf', text: 'unqualified-search-registries = []' },
      ]),
    ).toEqual({ helpers: ['tsstore'], from: '/h/.config/containers/registries.conf.d/50-tsstore.conf' });
  });
});

describe('registriesConfFiles', () => {
  const present = new Set(['/etc/containers/registries.conf', '/etc/containers/registries.conf.d/10-a.conf', '/h/.config/containers/registries.conf.d/50-tsstore.conf']);
  const listDir = (dir: string) => [...present].filter((path) => path.startsWith(`${dir}/`)).map((path) => path.slice(dir.length + 1)).concat(['notes.txt']);
  it('reads the system file, then system and user drop-ins in order', () => {
    expect(registriesConfFiles('/h', (path) => present.has(path), listDir)).toEqual([
      '/etc/containers/registries.conf',
      '/etc/containers/registries.conf.d/10-a.conf',
      '/h/.config/containers/registries.conf.d/50-tsstore.conf',
    ]);
  });
  it('uses the user file instead of the system one when it exists', () => {
    const withUser = new Set([...present, '/h/.config/containers/registries.conf']);
    expect(registriesConfFiles('/h', (path) => withUser.has(path), listDir)[0]).toBe('/h/.config/containers/registries.conf');
  });
  it('honours CONTAINERS_REGISTRIES_CONF', () => {
    expect(registriesConfFiles('/h', () => true, () => [], { CONTAINERS_REGISTRIES_CONF: '/x.conf' })).toEqual(['/x.conf']);
  });
});

describe('containersAuthFiles', () => {
  it('lists REGISTRY_AUTH_FILE, the runtime and the config auth.json', () => {
    expect(containersAuthFiles('/h', { XDG_RUNTIME_DIR: '/run/user/1', REGISTRY_AUTH_FILE: '/a.json' })).toEqual([
      '/a.json',
      '/run/user/1/containers/auth.json',
      '/h/.config/containers/auth.json',
    ]);
    expect(containersAuthFiles('/h', {})).toEqual(['/h/.config/containers/auth.json']);
  });
});

describe('judgeContainers', () => {
  it('skips where no container tool is installed', async () => {
    const { judgeContainers } = await import('../../src/doctor/checks/containers.js');
    expect(judgeContainers({ tools: [], helpers: ['containers-auth.json'], authFiles: [] }).status).toBe('skipped');
    expect(judgeContainers({ tools: ['podman'], helpers: ['tsstore', 'containers-auth.json'], authFiles: [{ path: '/a.json', entries: [] }] }).status).toBe('ok');
    expect(judgeContainers({ tools: ['skopeo'], helpers: ['containers-auth.json', 'tsstore'], authFiles: [] })).toEqual({
      status: 'problem',
      details: ['skopeo keep logins with containers-auth.json, tsstore (the default), not tsstore'],
      fixable: true,
    });
    const broken = judgeContainers({ tools: ['podman'], helpers: ['tsstore'], helpersFrom: '/c.conf', authFiles: [{ path: '/a.json', error: 'not valid JSON' }] });
    expect(broken).toEqual({ status: 'problem', details: ['/a.json: not valid JSON; fix it by hand'], fixable: false });
    const refused = judgeContainers({ tools: ['podman'], helpers: ['tsstore'], unreadableConfs: ['cannot read /r.conf: it is a FIFO (named pipe), not a regular file'], authFiles: [] });
    expect(refused).toEqual({
      status: 'problem',
      details: ['cannot read /r.conf: it is a FIFO (named pipe), not a regular file; podman, skopeo and buildah cannot read it either: fix it by hand'],
      fixable: false,
    });
  });
});
