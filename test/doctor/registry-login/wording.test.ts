import { describe, expect, it } from 'vitest';
import { registryTarget } from '../../../src/registry/endpoints.js';
import { describeProbe, dockerKey, loginCommandFor } from '../../../src/doctor/registry-login/wording.js';
import { redact } from '../../../src/text/redact.js';
import { shellQuote } from '../../../src/text/shell-quote.js';

function target(key: string) {
  const found = registryTarget(key);
  if (!found) throw new Error(key);
  return found;
}
const PATHS = { daemonJson: '/etc/docker/daemon.json', certsD: '/etc/docker/certs.d', rootless: false, daemonJsonWritable: false };
const alice = { key: 'registry.example:5000', username: 'alice', source: 'tsstore' };
const reg = target('registry.example:5000');

describe('loginCommandFor', () => {
  it.each([
    ['registry.example:5000', 'alice', 'docker login -u alice registry.example:5000'],
    ['https://registry.example:5000/', 'alice', 'docker login -u alice registry.example:5000'],
    ['https://index.docker.io/v1/', 'alice', 'docker login -u alice'],
    ['docker.io', 'alice', 'docker login -u alice'],
    ['ghcr.io', '<token>', 'docker login ghcr.io'],
    ['ghcr.io', "o'brien smith", "docker login -u 'o'\\''brien smith' ghcr.io"],
    ['ghcr.io', 'me@example.com', 'docker login -u me@example.com ghcr.io'],
  ])('%s as %s: %s', (key, username, command) => {
    expect(loginCommandFor(target(key), username)).toBe(command);
  });
  it('dockerKey is where docker login stores: Hub URL, else host[:port]', () => {
    expect(dockerKey(target('docker.io'))).toBe('https://index.docker.io/v1/');
    expect(dockerKey(target('https://r.example:5000/'))).toBe('r.example:5000');
  });
  it('shellQuote leaves plain words alone and quotes the rest', () => {
    expect(shellQuote('a-b_c.d:5000/x')).toBe('a-b_c.d:5000/x');
    expect(shellQuote('$(rm -rf ~)')).toBe("'$(rm -rf ~)'");
    expect(shellQuote('')).toBe("''");
  });
});

describe('describeProbe', () => {
  it('ok, with the way the login was checked', () => {
    expect(describeProbe({ kind: 'ok', url: 'https://registry.example:5000/v2/', how: 'basic' }, alice, reg, PATHS)).toEqual({
      problem: false,
      line: 'registry.example:5000 (alice, in tsstore): the registry accepts this login (Basic authentication at https://registry.example:5000/v2/)',
      commands: [],
    });
    expect(describeProbe({ kind: 'ok', url: 'u', how: 'token' }, alice, reg, PATHS).line).toContain('(token authentication at u)');
    expect(describeProbe({ kind: 'ok', url: 'u', how: 'anonymous' }, alice, reg, PATHS).line).toBe(
      'registry.example:5000 (alice, in tsstore): the registry answers without asking for a login, so there is nothing to verify',
    );
  });

  it('rejected: the exact docker login command', () => {
    expect(describeProbe({ kind: 'rejected', url: 'https://registry.example:5000/v2/', status: 401, how: 'basic' }, alice, reg, PATHS)).toEqual({
      problem: true,
      line: 'registry.example:5000 (alice, in tsstore): the registry refuses this login (HTTP 401 from https://registry.example:5000/v2/): the password or token is wrong, expired or revoked; log in again',
      commands: ['docker login -u alice registry.example:5000'],
    });
    const hub = { key: 'https://index.docker.io/v1/', username: '<token>', source: 'config.json' };
    expect(describeProbe({ kind: 'rejected', url: 'https://auth.docker.io/token', status: 400, how: 'token' }, hub, target(hub.key), PATHS)).toEqual({
      problem: true,
      line: 'https://index.docker.io/v1/ (an identity token, in config.json): the registry refuses this login (HTTP 400 from https://auth.docker.io/token): the identity token is expired or revoked; log in again',
      commands: ['docker login'],
    });
  });

  it('unreachable', () => {
    const hub = { key: 'https://index.docker.io/v1/', username: 'hubber', source: 'tsstore' };
    expect(describeProbe({ kind: 'unreachable', url: 'https://registry-1.docker.io/v2/', reason: 'registry-1.docker.io does not resolve (ENOTFOUND)' }, hub, target(hub.key), PATHS)).toEqual({
      problem: true,
      line: 'https://index.docker.io/v1/ (hubber, in tsstore): cannot reach https://registry-1.docker.io/v2/: registry-1.docker.io does not resolve (ENOTFOUND); check the name, the network and any proxy',
      commands: [],
    });
  });

  it('unknown authority: where docker reads the CA certificate, named after host:port', () => {
    expect(describeProbe({ kind: 'tls-unknown-authority', url: 'https://registry.example:5000/v2/', reason: 'self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT)' }, alice, reg, { ...PATHS, daemonJson: '/d.json', certsD: '/certs' })).toEqual({
      problem: true,
      line: "registry.example:5000 (alice, in tsstore): https://registry.example:5000/v2/ presents a certificate signed by an unknown authority (self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT)); docker trusts that authority once its certificate (REGISTRY-CA.crt below) is in /certs/registry.example:5000/ca.crt",
      commands: ['sudo mkdir -p /certs/registry.example:5000', 'sudo cp REGISTRY-CA.crt /certs/registry.example:5000/ca.crt'],
    });
  });

  it("HTTP answer to HTTPS: insecure-registries in daemon.json, with daemon-json's edit and a reload (dockerd rereads it on SIGHUP), not an editor and a restart", () => {
    const line =
      'registry.example:5000 (alice, in tsstore): http: server gave HTTP response to HTTPS client (https://registry.example:5000/v2/): the registry speaks plain HTTP, ' +
      'which docker uses only for loopback addresses and registries listed in "insecure-registries" of /etc/docker/daemon.json; add "registry.example:5000" there (see daemon-json) ' +
      'and reload the daemon (it rereads insecure-registries on SIGHUP, and keeps its containers running: sudo systemctl reload docker, or without systemd sudo kill -HUP $(pidof dockerd)), ' +
      'or give the registry a TLS certificate';
    // root's daemon.json: the same edit as doctor --fix daemon-json, run with sudo.
    expect(describeProbe({ kind: 'http-to-https', url: 'https://registry.example:5000/v2/' }, alice, reg, PATHS)).toEqual({
      problem: true,
      line,
      commands: [expect.stringMatching(/^sudo \S.* add-insecure-registry --daemon-json \/etc\/docker\/daemon\.json registry\.example:5000$/), 'sudo systemctl reload docker'],
    });
    // A daemon.json the person may write (a rootless daemon's): doctor makes the edit itself.
    const rootless = { daemonJson: '/home/u/.config/docker/daemon.json', certsD: '/home/u/.config/docker/certs.d', rootless: true, daemonJsonWritable: true };
    const own = describeProbe({ kind: 'http-to-https', url: 'https://registry.example:5000/v2/' }, alice, reg, rootless);
    expect(own.commands).toEqual(['docker-credential-tsstore doctor --fix daemon-json', 'systemctl --user reload docker']);
    expect(own.line).toContain('and keeps its containers running: systemctl --user reload docker), or give the registry a TLS certificate');
    for (const verdict of [own, describeProbe({ kind: 'http-to-https', url: 'https://registry.example:5000/v2/' }, alice, reg, PATHS)]) {
      expect(`${verdict.line}\n${verdict.commands.join('\n')}`).not.toMatch(/EDITOR|restart/);
    }
  });

  it('other TLS failures and unexpected answers', () => {
    expect(describeProbe({ kind: 'tls-other', url: 'https://r/v2/', reason: 'its certificate has expired (CERT_HAS_EXPIRED)' }, alice, reg, PATHS).line).toBe(
      'registry.example:5000 (alice, in tsstore): TLS with https://r/v2/ fails: its certificate has expired (CERT_HAS_EXPIRED)',
    );
    expect(describeProbe({ kind: 'unexpected', url: 'https://r/v2/', reason: 'HTTP 502 for GET /v2/' }, alice, reg, PATHS)).toEqual({
      problem: true,
      line: 'registry.example:5000 (alice, in tsstore): https://r/v2/: HTTP 502 for GET /v2/',
      commands: [],
    });
  });
});

describe('redact', () => {
  it('removes every secret, longest first, whatever its length', () => {
    expect(redact('pw=abcdef and abc and YWxpY2U6YWJjZGVm', ['abc', 'abcdef', 'YWxpY2U6YWJjZGVm', ''])).toBe('pw=*** and *** and ***');
    expect(redact('nothing here', ['secret'])).toBe('nothing here');
  });
});
