import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DOCKER_HUB_KEY, hasScheme, isDockerHub, isDockerHubTokenKey, lookupCandidates, namesRegistry, registryHost } from '../../src/docker/server-url.js';

describe('registryHost', () => {
  it.each([
    ['reg.example:5000', 'reg.example:5000'],
    ['https://reg.example:5000', 'reg.example:5000'],
    ['http://reg.example/', 'reg.example'],
    ['reg.example/team/app', 'reg.example'],
    ['https://index.docker.io/v1/', 'index.docker.io'],
    ['', ''],
  ])('%j -> %j', (url, host) => {
    expect(registryHost(url)).toBe(host);
  });
});

describe('isDockerHub', () => {
  it.each(['docker.io', 'index.docker.io', 'registry-1.docker.io', DOCKER_HUB_KEY, 'https://registry-1.docker.io/v2/', 'Docker.IO'])(
    '%j is Docker Hub',
    (url) => expect(isDockerHub(url)).toBe(true),
  );
  it.each(['docker.io.evil.example', 'mydocker.io', 'ghcr.io', 'evil.example/docker.io'])('%j is not', (url) => expect(isDockerHub(url)).toBe(false));
});

describe('lookupCandidates', () => {
  it('tries the exact key first', () => {
    expect(lookupCandidates('https://reg.example/')[0]).toBe('https://reg.example/');
  });
  it('finds what docker stored for a host asked with a scheme, and the other way round', () => {
    expect(lookupCandidates('https://reg.example:5000')).toContain('reg.example:5000');
    expect(lookupCandidates('reg.example:5000')).toEqual(
      expect.arrayContaining(['https://reg.example:5000', 'http://reg.example:5000', 'reg.example:5000/']),
    );
  });
  it('falls back from host/repo to host, as crane asks', () => {
    expect(lookupCandidates('reg.example:5000/team/app')).toEqual(['reg.example:5000/team/app', 'reg.example:5000', 'https://reg.example:5000', 'http://reg.example:5000', 'reg.example:5000/', 'https://reg.example:5000/', 'http://reg.example:5000/']);
  });
  it('answers podman and skopeo asking docker.io with what docker login stored', () => {
    const keys = lookupCandidates('docker.io');
    expect(keys.slice(0, 2)).toEqual(['docker.io', DOCKER_HUB_KEY]);
    expect(lookupCandidates('registry-1.docker.io')).toContain(DOCKER_HUB_KEY);
    expect(lookupCandidates(DOCKER_HUB_KEY)).toContain('docker.io');
  });
  it('never crosses to another host or port', () => {
    for (const key of lookupCandidates('reg.example:5000')) expect(registryHost(key).toLowerCase()).toBe('reg.example:5000');
    expect(lookupCandidates('reg.example')).not.toContain('reg.example:5000');
    expect(lookupCandidates('docker.io.evil.example')).not.toContain(DOCKER_HUB_KEY);
  });
  it('matches the host without regard to case', () => {
    expect(lookupCandidates('Reg.Example')).toContain('reg.example');
  });
  it('answers every Docker Hub spelling with the same list, the asked key first', () => {
    const hub = [DOCKER_HUB_KEY, 'docker.io', 'index.docker.io', 'registry-1.docker.io', 'https://index.docker.io/v1', 'https://index.docker.io'];
    const spellings = (host: string) => [host, `https://${host}`, `http://${host}`, `${host}/`, `https://${host}/`, `http://${host}/`];
    expect(lookupCandidates('docker.io')).toEqual(['docker.io', DOCKER_HUB_KEY, 'index.docker.io', 'registry-1.docker.io', 'https://index.docker.io/v1', 'https://index.docker.io', 'https://docker.io', 'http://docker.io', 'docker.io/', 'https://docker.io/', 'http://docker.io/']);
    expect(lookupCandidates(DOCKER_HUB_KEY)).toEqual([...hub, 'http://index.docker.io', 'index.docker.io/', 'https://index.docker.io/', 'http://index.docker.io/']);
    expect(lookupCandidates('https://index.docker.io/v1')).toEqual([
      'https://index.docker.io/v1',
      DOCKER_HUB_KEY,
      'docker.io',
      'index.docker.io',
      'registry-1.docker.io',
      'https://index.docker.io',
      'http://index.docker.io',
      'index.docker.io/',
      'https://index.docker.io/',
      'http://index.docker.io/',
    ]);
    expect(lookupCandidates('registry-1.docker.io')).toEqual([...new Set(['registry-1.docker.io', ...hub, ...spellings('registry-1.docker.io')])]);
    // crane asks index.docker.io/library/app before the Hub key.
    expect(lookupCandidates('index.docker.io/library/app')).toEqual(['index.docker.io/library/app', ...hub, ...spellings('index.docker.io').filter((key) => !hub.includes(key))]);
  });
  it("answers Docker Hub's OAuth token keys only from themselves, whichever spelling", () => {
    for (const key of [
      'https://index.docker.io/v1/access-token',
      'https://index.docker.io/v1/refresh-token',
      'https://index.docker.io/v1//access-token',
      'https://index.docker.io/v1//refresh-token',
      'https://docker.io/v1/access-token',
      'https://index.docker.io/v2/',
      'HTTPS://INDEX.DOCKER.IO/v1/access-token',
    ]) {
      expect(lookupCandidates(key), key).toEqual([key]);
    }
  });
  it('answers any scheme://host/path only from itself; scheme://host/ stays a spelling of the host', () => {
    for (const key of ['https://reg.example/v2/', 'https://reg.example:5000/team/app', 'http://reg.example/x', 'https://reg.example//', 'https://reg.example/v1/']) {
      expect(lookupCandidates(key), key).toEqual([key]);
    }
    expect(lookupCandidates('https://reg.example/')).toEqual(['https://reg.example/', 'reg.example', 'https://reg.example', 'http://reg.example', 'reg.example/', 'http://reg.example/']);
    expect(lookupCandidates('http://reg.example:5000')).toEqual(['http://reg.example:5000', 'reg.example:5000', 'https://reg.example:5000', 'reg.example:5000/', 'https://reg.example:5000/', 'http://reg.example:5000/']);
    expect(lookupCandidates('reg.example/')).toEqual(['reg.example/', 'reg.example', 'https://reg.example', 'http://reg.example', 'https://reg.example/', 'http://reg.example/']);
  });
  it('never offers a key with a path after a scheme as another key\'s alias', () => {
    for (const url of ['docker.io', DOCKER_HUB_KEY, 'index.docker.io/library/app', 'reg.example:5000/team/app', 'https://Reg.Example/', 'HTTP://X']) {
      for (const alias of lookupCandidates(url).slice(1)) {
        expect(namesRegistry(alias), `${url} -> ${alias}`).toBe(true);
        expect(isDockerHubTokenKey(alias), `${url} -> ${alias}`).toBe(false);
      }
    }
  });
  it('has no duplicates', () => {
    for (const url of ['docker.io', 'reg.example', 'https://reg.example/', 'HTTP://X']) {
      const keys = lookupCandidates(url);
      expect(new Set(keys).size).toBe(keys.length);
    }
  });
});

describe('namesRegistry', () => {
  it.each(['reg.example', 'reg.example:5000', 'reg.example/', 'reg.example/team/app', 'https://reg.example', 'https://reg.example/', 'http://reg.example', 'docker.io', DOCKER_HUB_KEY, 'https://index.docker.io/v1', 'https://registry-1.docker.io/'])(
    '%j names a registry',
    (url) => expect(namesRegistry(url)).toBe(true),
  );
  it.each(['https://index.docker.io/v1/access-token', 'https://index.docker.io/v1//refresh-token', 'https://reg.example/v1/', 'https://reg.example/v2/', 'https://reg.example//', 'http://reg.example/a/b'])(
    '%j is an entry of its own',
    (url) => expect(namesRegistry(url)).toBe(false),
  );
});

describe('isDockerHubTokenKey', () => {
  it.each(['https://index.docker.io/v1/access-token', 'https://index.docker.io/v1/refresh-token', 'https://index.docker.io/v1//access-token', 'https://index.docker.io/v1//refresh-token'])(
    '%j is a token key',
    (url) => expect(isDockerHubTokenKey(url)).toBe(true),
  );
  it.each([DOCKER_HUB_KEY, 'docker.io', 'https://index.docker.io/v1///access-token', 'https://reg.example/v1/access-token', 'index.docker.io/v1/access-token'])('%j is not', (url) =>
    expect(isDockerHubTokenKey(url)).toBe(false),
  );
});

// The scheme is found by a loop now, not /^[a-z][a-z0-9+.-]*:\/\//i (the first regular expression a process
// runs costs the single file 0.35-0.6 ms): both must agree on what a scheme is and what is left after it.
describe('the scheme, against the expression it replaced', () => {
  const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;
  const unit = fc.constantFrom('a', 'Z', 'k', '0', '9', '+', '.', '-', '_', ':', '/', '@', '[', '`', '{', 'é', 'K', '\u212a', ' ');
  it('hasScheme and registryHost answer as the expression did', () => {
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 10 }), (url) => {
        const withoutScheme = url.replace(SCHEME, '');
        const slash = withoutScheme.indexOf('/');
        return hasScheme(url) === SCHEME.test(url) && registryHost(url) === (slash === -1 ? withoutScheme : withoutScheme.slice(0, slash));
      }),
      { numRuns: 5000 },
    );
    for (const url of ['https://h', 'OCI+x.y-z://h/p', 'a://', '://h', '1a://h', 'a:/h', 'é://h', 'a_b://h']) expect(hasScheme(url)).toBe(SCHEME.test(url));
  });
});
