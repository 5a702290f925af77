/**
 * Issue 7 with the real docker CLI and registry: docker runs the built file with stdin and stdout as
 * pipes; a `get` with the store key locked asks on the terminal (a real pseudo-terminal, tmux) with no
 * GPG_TTY anywhere, the passphrase is typed there, and the agent answers what follows until `lock`.
 */
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HELPER_BINARY } from '../support/helper-binary.js';
import { findOnPath, haveAll } from '../support/real-components.js';
import { type RegistryUser, type StartedRegistry, randomSecret, startRegistry } from '../support/registry.js';
import { type ProtectedStore, getOutput, protectedStore, runDetached } from '../agent/protected-store.js';
import { TmuxPane } from '../agent/tmux.js';

const alice: RegistryUser = { username: 'alice', password: `alice-${randomSecret()}` };
const LOCKED_NO_TERMINAL = 'the store key is locked and there is no terminal to ask for its passphrase: run docker-credential-tsstore unlock\n';

describe.skipIf(!haveAll(['tmux', 'docker', 'docker-registry', 'htpasswd']))('docker login with a passphrase-protected store key', () => {
  let registry: StartedRegistry;
  let store: ProtectedStore | undefined;
  let pane: TmuxPane | undefined;

  beforeAll(async () => {
    registry = await startRegistry({ users: [alice] });
  });
  afterAll(async () => {
    await registry?.stop();
  });
  afterEach(async () => {
    await pane?.stop();
    pane = undefined;
    await store?.cleanup();
    store = undefined;
  });

  /** PATH holds only docker and our helper; config.json names tsstore; no GPG_TTY is set anywhere. */
  function dockerEnv(s: ProtectedStore): Record<string, string> {
    const bin = join(s.home.home, 'bin');
    mkdirSync(bin, { mode: 0o700 });
    symlinkSync(findOnPath('docker') as string, join(bin, 'docker'));
    symlinkSync(HELPER_BINARY, join(bin, 'docker-credential-tsstore'));
    const dockerConfig = s.env.DOCKER_CONFIG as string;
    mkdirSync(dockerConfig, { recursive: true, mode: 0o700 });
    writeFileSync(join(dockerConfig, 'config.json'), '{\n\t"credsStore": "tsstore"\n}\n', { mode: 0o600 });
    const env = { ...s.env, PATH: bin };
    expect(env).not.toHaveProperty('GPG_TTY');
    return env;
  }

  it('types the passphrase at our prompt during docker login; the agent answers the next get; after lock docker asks again', async () => {
    store = await protectedStore();
    const env = dockerEnv(store);
    const { host } = registry;

    // Storing needs no passphrase: docker login with the password on stdin, no terminal at all.
    const first = await execa('docker', ['login', '-u', alice.username, '--password-stdin', host], {
      env,
      extendEnv: false,
      input: alice.password,
      reject: false,
      detached: true,
      timeout: 60_000,
    });
    expect(first.exitCode, String(first.stderr)).toBe(0);
    expect(String(first.stdout)).toContain('Login Succeeded');
    expect(await runDetached(['get'], { env, input: host })).toMatchObject({ stdout: LOCKED_NO_TERMINAL, exitCode: 1, timedOut: false });

    // `docker login HOST` looks up the stored login first: that get is ours, with stdio as pipes.
    pane = await TmuxPane.start('docker login "$REGISTRY_HOST"', { ...env, REGISTRY_HOST: host });
    const prompt = new RegExp(`Enter the tsstore passphrase \\(login for ${host.replace(/[.]/g, '\\.')}\\): $`, 'm');
    let { end } = await pane.waitFor(prompt);
    await pane.typeLine(store.passphrase);
    ({ end } = await pane.waitFor(/tsstore: unlocked for 10m; docker-credential-tsstore lock forgets it sooner\n/, end));
    // Our get answered alice's login; without a daemon docker cannot use it and asks again: Enter keeps alice.
    ({ end } = await pane.waitFor(/Username \(alice\): $/m, end));
    await pane.typeLine('');
    ({ end } = await pane.waitFor(/Password: $/m, end));
    await pane.typeLine(alice.password);
    expect(await pane.exitCode(end)).toBe(0);
    const screen = await pane.screen();
    expect(screen).toContain('Login Succeeded');
    expect(screen).not.toContain(store.passphrase);
    expect(screen).not.toContain(alice.password);
    await pane.stop();
    pane = undefined;

    // Within the TTL no one is asked: a get without any terminal is answered by the agent.
    expect(await runDetached(['get'], { env, input: host })).toEqual({
      stdout: getOutput(host, alice.username, alice.password),
      stderr: '',
      exitCode: 0,
      timedOut: false,
    });
    const config = readFileSync(join(env.DOCKER_CONFIG as string, 'config.json'), 'utf8');
    expect(config).not.toContain(alice.password);

    expect(await runDetached(['lock'], { env })).toMatchObject({ stdout: 'Locked: the agent forgot the store key and stopped.\n', exitCode: 0 });
    expect(await runDetached(['get'], { env, input: host })).toMatchObject({ stdout: LOCKED_NO_TERMINAL, exitCode: 1, timedOut: false });
    pane = await TmuxPane.start('docker login "$REGISTRY_HOST"', { ...env, REGISTRY_HOST: host });
    ({ end } = await pane.waitFor(prompt));
    await pane.typeLine(store.passphrase);
    await pane.waitFor(/Username \(alice\): $/m, end);
  });
});
