import { describe, expect, it } from 'vitest';
import { endpointsFor, parseInsecureRegistries, registryTarget, transportFor } from '../../src/registry/endpoints.js';

const NO_INSECURE = { names: [], cidrs: [] };
const DAEMON = '/etc/docker/daemon.json';

function target(key: string) {
  const found = registryTarget(key);
  if (!found) throw new Error(`no target for ${key}`);
  return found;
}

describe('registryTarget', () => {
  it.each(['https://index.docker.io/v1/', 'docker.io', 'index.docker.io', 'registry-1.docker.io', 'https://registry-1.docker.io/v2/', 'registry.hub.docker.com'])(
    'Docker Hub key %s means registry-1.docker.io',
    (key) => {
      expect(registryTarget(key)).toEqual({ key, indexName: 'registry-1.docker.io', hostname: 'registry-1.docker.io', address: 'registry-1.docker.io', hub: true });
    },
  );
  it.each([
    ['127.0.0.1:5000', '127.0.0.1:5000', '127.0.0.1', '127.0.0.1:5000'],
    ['https://127.0.0.1:5000', '127.0.0.1:5000', '127.0.0.1', '127.0.0.1:5000'],
    ['http://127.0.0.1:5000/', '127.0.0.1:5000', '127.0.0.1', '127.0.0.1:5000'],
    ['localhost:5000/team/app', 'localhost:5000', 'localhost', 'localhost:5000'],
    ['ghcr.io', 'ghcr.io', 'ghcr.io', 'ghcr.io'],
    ['Registry.Example.COM:443', 'Registry.Example.COM:443', 'registry.example.com', 'registry.example.com'],
    ['[::1]:5000', '[::1]:5000', '::1', '[::1]:5000'],
  ])('%s: docker name %s, host %s, address %s', (key, indexName, hostname, address) => {
    expect(registryTarget(key)).toEqual({ key, indexName, hostname, address, hub: false });
  });
  it.each(['', '   ', 'https://', 'user:pw@host', 'host name', 'host?x=1'])('%j names no registry', (key) => {
    expect(registryTarget(key)).toBeUndefined();
  });
});

describe('parseInsecureRegistries', () => {
  it('splits names and CIDRs, drops http(s):// like docker, and lists what docker refuses', () => {
    const text = JSON.stringify({
      'insecure-registries': ['Registry.Local:5000', 'http://plain.example', 'https://tls.example:8443', '10.0.0.0/8', 'fd00::/8', 'ftp://x', 'a/b', 7, ''],
      'log-level': 'info',
    });
    expect(parseInsecureRegistries(text)).toEqual({
      insecure: { names: ['registry.local:5000', 'plain.example', 'tls.example:8443'], cidrs: ['10.0.0.0/8', 'fd00::/8'] },
      ignored: ['ftp://x', 'a/b'],
    });
  });
  it('accepts a daemon.json without the key, or with something else in it', () => {
    expect(parseInsecureRegistries('{}').insecure).toEqual(NO_INSECURE);
    expect(parseInsecureRegistries('{"insecure-registries": "x"}').insecure).toEqual(NO_INSECURE);
    expect(parseInsecureRegistries('[]').insecure).toEqual(NO_INSECURE);
  });
  it('throws on a daemon.json that is not JSON (the check says so and goes on)', () => {
    expect(() => parseInsecureRegistries('{')).toThrow();
  });
});

describe('transportFor: when plain http is allowed (moby registry/config.go)', () => {
  it('never for Docker Hub, even if listed', () => {
    expect(transportFor(target('https://index.docker.io/v1/'), { names: ['registry-1.docker.io'], cidrs: ['0.0.0.0/0'] }, [], DAEMON)).toEqual({ insecure: false });
  });
  it.each(['127.0.0.1:5000', '127.0.0.2:5000', '127.255.255.254'])('for %s: the whole 127.0.0.0/8 is loopback', (key) => {
    expect(transportFor(target(key), NO_INSECURE, [], DAEMON)).toMatchObject({ insecure: true, why: expect.stringMatching(/is a loopback address$/) });
  });
  it('for a name that resolves to a loopback address (localhost, an /etc/hosts name)', () => {
    expect(transportFor(target('localhost:5000'), NO_INSECURE, ['::1', '127.0.0.1'], DAEMON)).toEqual({ insecure: true, why: '127.0.0.1 is a loopback address' });
    expect(transportFor(target('localhost:5000'), NO_INSECURE, [], DAEMON)).toEqual({ insecure: false });
  });
  it('not for ::1: docker only counts 127.0.0.0/8', () => {
    expect(transportFor(target('[::1]:5000'), NO_INSECURE, [], DAEMON)).toEqual({ insecure: false });
  });
  it('not for an ordinary address, not even with an https:// key', () => {
    expect(transportFor(target('192.0.2.2:5000'), NO_INSECURE, [], DAEMON)).toEqual({ insecure: false });
    expect(transportFor(target('https://registry.example:5000'), NO_INSECURE, ['192.0.2.7'], DAEMON)).toEqual({ insecure: false });
  });
  it('for a name listed in insecure-registries (host:port as docker names it, any case)', () => {
    const insecure = { names: ['registry.example:5000'], cidrs: [] };
    expect(transportFor(target('https://Registry.Example:5000'), insecure, [], DAEMON)).toEqual({
      insecure: true,
      why: '"Registry.Example:5000" is in insecure-registries of /etc/docker/daemon.json',
    });
    // Another port is another registry.
    expect(transportFor(target('registry.example:5001'), insecure, [], DAEMON)).toEqual({ insecure: false });
  });
  it('for an address inside a listed CIDR, IPv4 or IPv6', () => {
    const insecure = { names: [], cidrs: ['192.0.2.0/24', 'fd00::/8'] };
    expect(transportFor(target('192.0.2.2:5000'), insecure, [], DAEMON)).toEqual({ insecure: true, why: '192.0.2.2 is in 192.0.2.0/24 of insecure-registries in /etc/docker/daemon.json' });
    expect(transportFor(target('registry.lan'), insecure, ['fd00::2'], DAEMON)).toMatchObject({ insecure: true });
    expect(transportFor(target('198.51.100.1'), insecure, [], DAEMON)).toEqual({ insecure: false });
  });
});

describe('endpointsFor', () => {
  it('https with verification only, for a secure registry', () => {
    expect(endpointsFor(target('ghcr.io'), { insecure: false })).toEqual([{ base: 'https://ghcr.io', verifyTls: true }]);
    expect(endpointsFor(target('docker.io'), { insecure: false })).toEqual([{ base: 'https://registry-1.docker.io', verifyTls: true }]);
  });
  it('https without verification, then http, for an insecure one (as docker tries them)', () => {
    expect(endpointsFor(target('https://127.0.0.1:5000'), { insecure: true, why: 'x' })).toEqual([
      { base: 'https://127.0.0.1:5000', verifyTls: false },
      { base: 'http://127.0.0.1:5000', verifyTls: false },
    ]);
  });
});
