/**
 * Report-only `doctor` (no --fix, no --login) writes nothing: on the built file, in a HOME with a real
 * pgp store (logins stored with `store`, the store key and an extra GnuPG recipient), a config.json with
 * plain-text auths beside a credsStore, podman on PATH with a plain-text containers auth.json, and a
 * ~/.bashrc, a daemon.json (TSSTORE_DOCKER_DAEMON_JSON) and a TLS registry whose CA is in a certs.d under
 * HOME, every entry under HOME (TMPDIR too) keeps its bytes, type, mode and mtime through `doctor` and
 * `doctor --json`, while every check that reads those files runs. `doctor --fix` then changes the
 * same snapshot: it sees the writes doctor can make.
 */
import { mkdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SETTLE_MS } from '../../src/backends/pgp/list-cache.js';
import { HELPER_BINARY, type HelperResult, type TemporaryHome, runHelper, temporaryHome } from '../support/helper-binary.js';
import { findOnPath, haveAll } from '../support/real-components.js';
import { createGpgHome } from '../support/reference-pass.js';
import { type RegistryUser, type StartedRegistry, randomSecret, startRegistry } from '../support/registry.js';
import { snapshotChanges, snapshotEntries } from '../support/tree-snapshot.js';
import { makeClientPair, makeTlsFixture } from '../support/tls-fixture.js';
import type { DoctorReport as Report } from '../support/doctor-e2e.js';

const alice: RegistryUser = { username: 'alice', password: `alice-${randomSecret()}` };
const carolSecret = `carol-${randomSecret()}`;
const b64 = (text: string) => Buffer.from(text).toString('base64');

describe.skipIf(!haveAll(['docker', 'podman', 'gpg', 'gpgconf', 'docker-registry', 'htpasswd']))('report-only doctor writes nothing', () => {
  let registry: StartedRegistry;
  let secure: StartedRegistry;
  let home: TemporaryHome;
  let env: Record<string, string>;
  const run = (args: readonly string[], input = ''): Promise<HelperResult> => runHelper(args, { env, input, cwd: home.home });
  const must = async (args: readonly string[], input = ''): Promise<HelperResult> => {
    const result = await run(args, input);
    if (result.exitCode !== 0) throw new Error(`${args.join(' ')} failed (${result.exitCode}): ${result.stdout}${result.stderr}`);
    return result;
  };

  beforeAll(async () => {
    registry = await startRegistry({ users: [alice] });
    const tls = await makeTlsFixture({ ips: ['127.0.0.1'] });
    secure = await startRegistry({ users: [alice], tls: { cert: tls.serverCert, key: tls.serverKey, ca: tls.caCert } });
    home = temporaryHome('tsstore-e2e-doctor-reads-');
    const bin = join(home.home, 'bin');
    mkdirSync(bin, { mode: 0o700 });
    for (const program of ['docker', 'podman']) symlinkSync(findOnPath(program) as string, join(bin, program));
    symlinkSync(HELPER_BINARY, join(bin, 'docker-credential-tsstore'));
    const runtime = join(home.home, 'run');
    // Any temporary file doctor made would land in HOME too, and show.
    const tmp = join(home.home, 'tmp');
    mkdirSync(join(runtime, 'containers'), { recursive: true, mode: 0o700 });
    mkdirSync(tmp, { mode: 0o700 });
    // certs-d reads this folder (and a client key in it), and must leave it as it is.
    const certsD = join(home.home, 'certs.d');
    mkdirSync(join(certsD, secure.host), { recursive: true });
    writeFileSync(join(certsD, secure.host, 'ca.crt'), tls.caCert);
    const pair = await makeClientPair(tls);
    writeFileSync(join(certsD, secure.host, 'client.cert'), pair.cert);
    writeFileSync(join(certsD, secure.host, 'client.key'), pair.key, { mode: 0o600 });
    // daemon.json inside HOME (so the snapshot covers it), and a daemon socket nobody listens on: docker
    // info runs and gets no answer, whatever this machine runs.
    env = {
      ...home.env,
      PATH: `${bin}:/usr/sbin:/usr/bin:/sbin:/bin`,
      XDG_RUNTIME_DIR: runtime,
      TMPDIR: tmp,
      SHELL: '/bin/bash',
      TSSTORE_DOCKER_DAEMON_JSON: join(home.home, 'etc-docker', 'daemon.json'),
      DOCKER_HOST: `unix://${join(runtime, 'docker.sock')}`,
      TSSTORE_DOCKER_CERTS_D: certsD,
    };

    // A team member's GnuPG key as an extra recipient; their GnuPG home (and its agent) lives elsewhere.
    const gpg = await createGpgHome('tsnw-');
    try {
      const fingerprint = await gpg.generateKey('Team <team@tsstore.invalid>');
      const exported = await gpg.gpg(['--armor', '--export', fingerprint]);
      writeFileSync(join(home.home, 'team.asc'), exported.stdout, { mode: 0o644 });
    } finally {
      await gpg.cleanup();
    }
    await must(['init', '--backend', 'pgp', '--recipient', join(home.home, 'team.asc'), '--no-docker-config']);
    for (const [server, username, secret] of [
      [registry.host, alice.username, alice.password],
      [secure.host, alice.username, alice.password],
      ['https://index.docker.io/v1/access-token', 'bob', 'not-a-real-jwt'],
      ['127.0.0.1:1', 'carol', carolSecret],
      // duplicate-logins has something to erase: a second spelling with the same login, Desktop's token.
      ['http://127.0.0.1:1', 'carol', carolSecret],
      ['https://index.docker.io/v1//access-token', 'bob', 'not-a-real-jwt-either'],
    ]) {
      await must(['store'], JSON.stringify({ ServerURL: server, Username: username, Secret: secret }));
    }

    const dockerDir = env.DOCKER_CONFIG as string;
    mkdirSync(dockerDir, { mode: 0o700 });
    const auths = { [registry.host]: {}, 'legacy.invalid:5000': { auth: b64('dave:dave-secret') } };
    // 0644: file-permissions has something to fix, which report-only must leave.
    writeFileSync(join(dockerDir, 'config.json'), `${JSON.stringify({ auths, credsStore: 'tsstore', detachKeys: 'ctrl-e,e' }, null, '\t')}\n`, { mode: 0o644 });
    writeFileSync(join(runtime, 'containers', 'auth.json'), JSON.stringify({ auths: { 'quay.invalid': { auth: b64('erin:erin-secret') } } }), { mode: 0o600 });
    writeFileSync(join(home.home, '.bashrc'), 'alias d=docker\n', { mode: 0o644 });
    mkdirSync(join(home.home, 'etc-docker'), { mode: 0o755 });
    writeFileSync(join(home.home, 'etc-docker', 'daemon.json'), '{\n  "insecure-registries": ["legacy.invalid:5000"],\n  "log-level": "info"\n}\n', { mode: 0o644 });

    // `list` caches its answer once the credentials folder has not changed for SETTLE_MS: wait for that,
    // so a cache written by doctor would show (a bounded wait of about a second, not an assertion).
    const credentials = statSync(join(env.TSSTORE_HOME as string, 'pgp', 'credentials'));
    const left = Math.max(credentials.mtimeMs, credentials.ctimeMs) + SETTLE_MS + 100 - Date.now();
    if (left > 0) await new Promise((resolve) => setTimeout(resolve, left));
  });
  afterAll(async () => {
    await registry?.stop();
    await secure?.stop();
    home?.cleanup();
  });

  it('doctor and doctor --json leave every byte, mode and mtime under HOME as it was', async () => {
    const before = snapshotEntries(home.home);
    expect(Object.keys(before)).toEqual(expect.arrayContaining(['tsstore/pgp/private-key.asc', '.docker/config.json', 'run/containers/auth.json', '.bashrc', 'etc-docker/daemon.json']));

    const text = await run(['doctor']);
    expect(text.exitCode, text.stdout + text.stderr).toBe(1);
    expect(text.stdout).toContain('problems left.');
    const json = await run(['doctor', '--json']);
    expect(json.exitCode, json.stdout + json.stderr).toBe(1);
    const report = JSON.parse(json.stdout) as Report;
    const status = Object.fromEntries(report.checks.map((check) => [check.id, check.status]));
    // Every check ran over these files, and found what report-only must leave alone.
    expect(status).toEqual({
      'config-json': 'ok',
      'config-keys': 'ok',
      'docker-context': 'ok',
      'file-permissions': 'problem',
      'creds-store': 'ok',
      'plaintext-credentials': 'problem',
      'cred-helpers': 'ok',
      containers: 'problem',
      'duplicate-logins': 'problem',
      backend: 'ok',
      'gpg-tty': 'problem',
      'daemon-json': 'ok',
      'certs-d': 'ok',
      'registry-login': 'problem',
      clock: 'ok',
    });
    const details = (id: string) => report.checks.find((check) => check.id === id)?.details ?? [];
    expect(details('backend').filter((line) => line.startsWith('read back the credential of '))).toHaveLength(1);
    expect(details('registry-login').join('\n')).toContain(`${registry.host} (alice, in tsstore): the registry accepts this login`);
    expect(details('daemon-json')).toEqual(expect.arrayContaining(['insecure-registries: "legacy.invalid:5000"', expect.stringMatching(/^no daemon answered \(docker info: Cannot connect/)]));
    expect(details('certs-d')).toContain(`${secure.host}: docker itself does not verify this registry's certificate and does not read ${env.TSSTORE_DOCKER_CERTS_D}/${secure.host} (127.0.0.1 is a loopback address); the files are judged all the same`);
    expect(details('certs-d').join('\n')).toContain(`verifies with ${env.TSSTORE_DOCKER_CERTS_D}/${secure.host}/ca.crt for 127.0.0.1`);

    const after = snapshotEntries(home.home);
    expect(snapshotChanges(before, after)).toEqual([]);
    expect(after).toEqual(before);
  });

  it('the snapshot sees what doctor --fix writes', async () => {
    const before = snapshotEntries(home.home);
    await run(['doctor', '--fix']);
    expect(snapshotChanges(before, snapshotEntries(home.home))).toEqual(expect.arrayContaining(['~ .docker/config.json', '~ .bashrc', '+ tsstore/backups/']));
    // duplicate-logins erased what docker never reads, and only that.
    const keys = Object.keys(JSON.parse((await must(['list'], 'unused')).stdout) as Record<string, string>);
    expect(keys).toEqual(expect.arrayContaining(['127.0.0.1:1', 'https://index.docker.io/v1/access-token', registry.host]));
    expect(keys).not.toContain('http://127.0.0.1:1');
    expect(keys).not.toContain('https://index.docker.io/v1//access-token');
  });
});
