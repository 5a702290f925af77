import { describe, expect, it } from 'vitest';
import { DOCKER_HUB_KEY, isDockerHub, lookupCandidates, registryHost } from '../../src/docker/server-url.js';

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
  it('has no duplicates', () => {
    for (const url of ['docker.io', 'reg.example', 'https://reg.example/', 'HTTP://X']) {
      const keys = lookupCandidates(url);
      expect(new Set(keys).size).toBe(keys.length);
    }
  });
});
