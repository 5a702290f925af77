/**
 * Issue 7 on the built file: a passphrase-protected store key that never hangs where nobody can type,
 * TSSTORE_PASSPHRASE_FILE for unattended machines, the agent (socket, modes, TTL, lock), and doctor.
 * Terminal interaction is in passphrase-terminal.test.ts, docker in passphrase-docker.test.ts.
 */
import { chmodSync, existsSync, lstatSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type ProtectedStore, agentPids, eventually, getOutput, newSecret, protectedStore, runDetached } from '../agent/protected-store.js';

const LOCKED_NO_TERMINAL = 'the store key is locked and there is no terminal to ask for its passphrase: run docker-credential-tsstore unlock\n';
const HOST = 'registry.example:5000';

let store: ProtectedStore | undefined;
afterEach(async () => {
  await store?.cleanup();
  store = undefined;
});

async function storeLogin(s: ProtectedStore, username: string, secret: string): Promise<void> {
  const stored = await runDetached(['store'], { env: s.env, input: JSON.stringify({ ServerURL: HOST, Username: username, Secret: secret }) });
  expect(stored).toMatchObject({ stdout: '', stderr: '', exitCode: 0 });
}

function withFile(s: ProtectedStore): Record<string, string> {
  return { ...s.env, TSSTORE_PASSPHRASE_FILE: s.passphraseFile };
}

describe('a passphrase-protected store key', () => {
  it('stores without the passphrase; with no terminal a locked get fails at once with one line, starting and writing nothing', async () => {
    store = await protectedStore();
    const secret = newSecret('secret');
    await storeLogin(store, 'alice', secret);
    expect(await runDetached(['list'], { env: store.env, input: 'unused' })).toMatchObject({ stdout: `${JSON.stringify({ [HOST]: 'alice' })}\n`, exitCode: 0 });

    // stdin ends, there is no controlling terminal, no agent, no passphrase file: nothing can come.
    const get = await runDetached(['get'], { env: store.env, input: HOST });
    expect(get).toEqual({ stdout: LOCKED_NO_TERMINAL, stderr: '', exitCode: 1, timedOut: false });
    expect(existsSync(store.agent.dir)).toBe(false);
    expect(agentPids(store.agent.socket)).toEqual([]);
    // A miss still answers not-found: it needs no key.
    expect(await runDetached(['get'], { env: store.env, input: 'other.example' })).toMatchObject({ stdout: 'credentials not found in native keychain\n', exitCode: 1 });
  });

  it('TSSTORE_PASSPHRASE_FILE: each get unlocks in-process (no agent); a file others can read, or a wrong one, is refused', async () => {
    store = await protectedStore();
    const secret = newSecret('secret');
    await storeLogin(store, 'alice', secret);
    expect(await runDetached(['get'], { env: withFile(store), input: HOST })).toEqual({
      stdout: getOutput(HOST, 'alice', secret),
      stderr: '',
      exitCode: 0,
      timedOut: false,
    });
    expect(existsSync(store.agent.socket)).toBe(false);

    chmodSync(store.passphraseFile, 0o644);
    expect(await runDetached(['get'], { env: withFile(store), input: HOST })).toMatchObject({
      stdout: `TSSTORE_PASSPHRASE_FILE ${store.passphraseFile} can be read by other users (mode 644); run chmod 600 ${store.passphraseFile}\n`,
      exitCode: 1,
    });
    chmodSync(store.passphraseFile, 0o600);
    const wrongFile = `${store.passphraseFile}.wrong`;
    writeFileSync(wrongFile, 'not the passphrase\n', { mode: 0o600 });
    const wrong = await runDetached(['get'], { env: { ...store.env, TSSTORE_PASSPHRASE_FILE: wrongFile }, input: HOST });
    expect(wrong).toMatchObject({ stdout: `TSSTORE_PASSPHRASE_FILE ${wrongFile} does not hold the passphrase of the store key\n`, exitCode: 1 });
  });

  it('unlock caches the key in an agent on a 0600 socket in a 0700 folder of ours under $XDG_RUNTIME_DIR/tsstore; lock ends it', async () => {
    store = await protectedStore({ runtimeDir: true });
    const secret = newSecret('secret');
    await storeLogin(store, 'alice', secret);
    expect(store.agent.dir).toBe(`${store.env.XDG_RUNTIME_DIR}/tsstore`);

    const unlock = await runDetached(['unlock', '--ttl', '10m'], { env: withFile(store) });
    expect(unlock.stderr).toBe('');
    expect(unlock.stdout).toMatch(/^Unlocked for 10m \(until \d\d:\d\d\); docker-credential-tsstore lock forgets it sooner\.\n$/);
    expect(unlock.exitCode).toBe(0);

    const dir = lstatSync(store.agent.dir);
    expect(dir.isDirectory()).toBe(true);
    expect(dir.mode & 0o777).toBe(0o700);
    expect(dir.uid).toBe(process.getuid?.());
    const socket = lstatSync(store.agent.socket);
    expect(socket.isSocket()).toBe(true);
    expect(socket.mode & 0o777).toBe(0o600);
    expect(socket.uid).toBe(process.getuid?.());
    const [pid, ...others] = agentPids(store.agent.socket);
    expect(others).toEqual([]);
    expect(pid).toBeGreaterThan(0);
    // The passphrase is nowhere in the agent's argv or environment, nor in any file under HOME but its own.
    for (const part of ['cmdline', 'environ']) expect(readFileSync(`/proc/${pid}/${part}`).includes(store.passphrase)).toBe(false);

    // No terminal and no passphrase file: only the agent can answer.
    expect(await runDetached(['get'], { env: store.env, input: HOST })).toEqual({ stdout: getOutput(HOST, 'alice', secret), stderr: '', exitCode: 0, timedOut: false });

    expect(await runDetached(['lock'], { env: store.env })).toMatchObject({ stdout: 'Locked: the agent forgot the store key and stopped.\n', exitCode: 0 });
    expect(existsSync(store.agent.socket)).toBe(false);
    await eventually(() => agentPids(store?.agent.socket ?? '').length === 0, 'the agent exiting after lock');
    expect(await runDetached(['get'], { env: store.env, input: HOST })).toMatchObject({ stdout: LOCKED_NO_TERMINAL, exitCode: 1, timedOut: false });
    expect(await runDetached(['lock'], { env: store.env })).toMatchObject({ stdout: 'No agent was running: the store key is locked.\n', exitCode: 0 });
  });

  it('the agent forgets the key and exits by itself when its TTL passes', async () => {
    store = await protectedStore();
    await storeLogin(store, 'alice', newSecret('secret'));
    const unlock = await runDetached(['unlock', '--ttl', '2s'], { env: withFile(store) });
    expect(unlock).toMatchObject({ stdout: expect.stringMatching(/^Unlocked for 2s /), exitCode: 0 });
    // Default TTL is 10 minutes: only the 2 s TTL can make these go away within the limit.
    await eventually(() => !existsSync(store?.agent.socket ?? ''), 'the agent socket going away after its TTL', 45_000);
    await eventually(() => agentPids(store?.agent.socket ?? '').length === 0, 'the agent process exiting after its TTL', 45_000);
    expect(await runDetached(['get'], { env: store.env, input: HOST })).toMatchObject({ stdout: LOCKED_NO_TERMINAL, exitCode: 1 });
  });

  it('refuses an agent folder that others could enter, before sending anything', async () => {
    store = await protectedStore({ runtimeDir: true });
    await storeLogin(store, 'alice', newSecret('secret'));
    expect(await runDetached(['unlock'], { env: withFile(store) })).toMatchObject({ exitCode: 0 });
    chmodSync(store.agent.dir, 0o755);
    const get = await runDetached(['get'], { env: store.env, input: HOST });
    expect(get).toMatchObject({
      stdout: `the agent folder ${store.agent.dir} is not private: its mode is 755, not 700; remove it\n`,
      exitCode: 1,
    });
    chmodSync(store.agent.dir, 0o700);
  });

  it('rejects a bad --ttl and says unlock needs a terminal or the passphrase file', async () => {
    store = await protectedStore();
    expect(await runDetached(['unlock', '--ttl', 'forever'], { env: store.env })).toMatchObject({
      stderr: 'docker-credential-tsstore: --ttl must be a duration like 90s, 10m or 1h30m (up to 24h), not "forever"\n',
      exitCode: 1,
    });
    expect(await runDetached(['unlock'], { env: store.env })).toMatchObject({
      stderr: 'docker-credential-tsstore: unlock needs a terminal to ask for the passphrase; where there is none, set TSSTORE_PASSPHRASE_FILE\n',
      exitCode: 1,
      timedOut: false,
    });
    expect(existsSync(store.agent.socket)).toBe(false);
  });

  it("doctor's backend check reports a locked key with the unlock command, and an unlocked one as fine", async () => {
    store = await protectedStore();
    await storeLogin(store, 'alice', newSecret('secret'));
    const locked = await runDetached(['doctor', 'backend', '--json'], { env: store.env });
    expect(locked.exitCode).toBe(1);
    expect(JSON.parse(locked.stdout)).toEqual({
      ok: false,
      checks: [
        {
          id: 'backend',
          title: "tsstore's store works",
          status: 'problem',
          details: [
            'pgp backend, 1 credential(s)',
            'the store key is locked: it has a passphrase and no agent holds it unlocked, so docker cannot read credentials where nobody can type it',
            'run: docker-credential-tsstore unlock',
          ],
        },
      ],
    });
    expect(await runDetached(['unlock'], { env: withFile(store) })).toMatchObject({ exitCode: 0 });
    const unlocked = await runDetached(['doctor', 'backend', '--json'], { env: store.env });
    expect(unlocked.exitCode).toBe(0);
    const [check] = (JSON.parse(unlocked.stdout) as { checks: Array<{ status: string; details: string[] }> }).checks;
    expect(check?.status).toBe('ok');
    expect(check?.details).toEqual([
      'pgp backend, 1 credential(s)',
      expect.stringMatching(/^the store key has a passphrase; the agent \(pid \d+\) holds it unlocked until \d\d:\d\d$/),
      `read back the credential of ${HOST}`,
    ]);
  });

  it('keeps the agent folder inside the store when XDG_RUNTIME_DIR is unset', async () => {
    store = await protectedStore();
    expect(store.agent.dir).toBe(`${store.storeDir}/agent`);
    expect(await runDetached(['unlock'], { env: withFile(store) })).toMatchObject({ exitCode: 0 });
    expect(statSync(store.agent.dir).mode & 0o777).toBe(0o700);
    expect(dirname(store.agent.socket)).toBe(store.agent.dir);
    expect(lstatSync(store.agent.socket).isSocket()).toBe(true);
  });
});
