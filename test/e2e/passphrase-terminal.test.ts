/**
 * Issue 7 at a real terminal (tmux): the built file prompts on /dev/tty while its stdin and stdout are
 * pipes, echoes nothing, caches the key in the agent, gives up after three wrong passphrases changing
 * nothing, never reads the terminal from the background, and init/passwd ask for new passphrases.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HELPER_BINARY } from '../support/helper-binary.js';
import { haveAll } from '../support/real-components.js';
import { snapshotTree } from '../support/tree-snapshot.js';
import { type ProtectedStore, agentPids, getOutput, newSecret, protectedStore, runDetached } from '../agent/protected-store.js';
import { TmuxPane } from '../agent/tmux.js';
import { secretKeyProtections } from '../backends/pgp/secret-key-packets.js';

const HOST = 'registry.example:5000';
const PROMPT = /Enter the tsstore passphrase \(login for registry\.example:5000\): $/m;

let store: ProtectedStore | undefined;
let pane: TmuxPane | undefined;
afterEach(async () => {
  await pane?.stop();
  pane = undefined;
  await store?.cleanup();
  store = undefined;
});

/**
 * Shell lines that run `get` for HOST with stdin and stdout as pipes, as docker does, and exit with
 * get's own exit code (a pipeline's status is its last command's).
 */
function pipedGet(): string {
  return `printf '%s' '${HOST}' | { '${HELPER_BINARY}' get; echo $? > get.code; } | cat\nexit "$(cat get.code)"`;
}

async function storeLogin(s: ProtectedStore, username: string, secret: string): Promise<void> {
  const stored = await runDetached(['store'], { env: s.env, input: JSON.stringify({ ServerURL: HOST, Username: username, Secret: secret }) });
  expect(stored).toMatchObject({ stdout: '', exitCode: 0 });
}

describe.skipIf(!haveAll(['tmux', 'perl']))('a passphrase-protected store key at a terminal', () => {
  it('get prompts on the terminal with piped stdio, echoes nothing, and the agent answers the next get; after lock it prompts again', async () => {
    store = await protectedStore();
    const secret = newSecret('secret');
    await storeLogin(store, 'alice', secret);

    pane = await TmuxPane.start(pipedGet(), store.env);
    await pane.waitFor(PROMPT);
    await pane.typeLine(store.passphrase);
    expect(await pane.exitCode()).toBe(0);
    const screen = await pane.screen();
    expect(screen).toContain('tsstore: unlocked for 10m; docker-credential-tsstore lock forgets it sooner');
    expect(screen).toContain(getOutput(HOST, 'alice', secret).trim());
    expect(screen).not.toContain(store.passphrase); // no echo
    await pane.stop();
    pane = undefined;

    // Within the TTL: no terminal at all, and the answer comes.
    expect(await runDetached(['get'], { env: store.env, input: HOST })).toEqual({ stdout: getOutput(HOST, 'alice', secret), stderr: '', exitCode: 0, timedOut: false });
    // And at the terminal nothing is asked.
    pane = await TmuxPane.start(pipedGet(), store.env);
    expect(await pane.exitCode()).toBe(0);
    expect(await pane.screen()).not.toMatch(/passphrase/i);
    await pane.stop();
    pane = undefined;

    expect(await runDetached(['lock'], { env: store.env })).toMatchObject({ exitCode: 0 });
    pane = await TmuxPane.start(pipedGet(), store.env);
    await pane.waitFor(PROMPT);
    await pane.typeLine(store.passphrase);
    expect(await pane.exitCode()).toBe(0);
    expect(await pane.screen()).toContain(getOutput(HOST, 'alice', secret).trim());
  });

  it('three wrong passphrases: one clear error, the store unchanged and no agent left', async () => {
    store = await protectedStore({ runtimeDir: true });
    const secret = newSecret('secret');
    await storeLogin(store, 'alice', secret);
    const before = snapshotTree(store.home.home);

    pane = await TmuxPane.start(pipedGet(), store.env);
    let at = 0;
    for (const [index, reply] of ['wrong one', 'wrong two', 'wrong three'].entries()) {
      ({ end: at } = await pane.waitFor(PROMPT, at));
      await pane.typeLine(reply);
      if (index < 2) ({ end: at } = await pane.waitFor(index === 0 ? /tsstore: wrong passphrase; 2 more tries\n/ : /tsstore: wrong passphrase; 1 more try\n/, at));
    }
    expect(await pane.exitCode(at)).toBe(1);
    const screen = await pane.screen();
    expect(screen).toContain('\nwrong passphrase 3 times: the store key stays locked and nothing was changed\n');
    expect(screen.match(/Enter the tsstore passphrase/g)).toHaveLength(3);
    expect(screen).not.toMatch(/wrong (one|two|three)/);

    // Nothing changed: every file and mode under HOME is as before (the runtime folder may now exist, empty).
    const after = snapshotTree(store.home.home);
    delete after['run/tsstore/'];
    expect(after).toEqual(before);
    expect(existsSync(store.agent.socket)).toBe(false);
    expect(agentPids(store.agent.socket)).toEqual([]);
  });

  it('several gets at once (docker compose pull): one prompt, one passphrase, every get answered', async () => {
    store = await protectedStore();
    const secret = newSecret('secret');
    await storeLogin(store, 'alice', secret);
    const one = `printf '%s' '${HOST}' | '${HELPER_BINARY}' get | cat`;
    pane = await TmuxPane.start(`${one} &\n${one} &\n${one} &\nwait`, store.env);
    const { end } = await pane.waitFor(PROMPT);
    await pane.typeLine(store.passphrase);
    await pane.exitCode(end);
    const screen = await pane.screen();
    expect(screen.match(/Enter the tsstore passphrase/g)).toHaveLength(1);
    expect(screen.split(getOutput(HOST, 'alice', secret).trim())).toHaveLength(4);
    expect(existsSync(join(store.agent.dir, 'prompt.lock'))).toBe(false);
  });

  it('does not read the terminal from the background (it would be stopped by SIGTTIN): it fails at once instead', async () => {
    store = await protectedStore();
    await storeLogin(store, 'alice', newSecret('secret'));
    const out = join(store.home.home, 'background.out');
    // perl puts get in a process group of its own: it keeps the terminal but is not in its foreground.
    pane = await TmuxPane.start(`printf '%s' '${HOST}' | perl -e 'setpgrp(0, 0); exec @ARGV or die' '${HELPER_BINARY}' get > '${out}'`, store.env);
    expect(await pane.exitCode()).toBe(1);
    expect(readFileSync(out, 'utf8')).toBe(
      'the store key is locked and this process runs in the background of its terminal: run docker-credential-tsstore unlock\n',
    );
    expect(await pane.screen()).not.toMatch(/Enter the tsstore passphrase/);
  });

  it('unlock asks at the terminal; Ctrl-C cancels cleanly and leaves no agent', async () => {
    store = await protectedStore();
    const secret = newSecret('secret');
    await storeLogin(store, 'alice', secret);
    pane = await TmuxPane.start(`'${HELPER_BINARY}' unlock --ttl 1h`, store.env);
    await pane.waitFor(/Enter the tsstore passphrase: $/m);
    await pane.typeLine(store.passphrase);
    expect(await pane.exitCode()).toBe(0);
    expect(await pane.screen()).toMatch(/Unlocked for 1h \(until \d\d:\d\d\); docker-credential-tsstore lock forgets it sooner\./);
    expect(await runDetached(['get'], { env: store.env, input: HOST })).toMatchObject({ stdout: getOutput(HOST, 'alice', secret), exitCode: 0 });
    await pane.stop();

    expect(await runDetached(['lock'], { env: store.env })).toMatchObject({ exitCode: 0 });
    pane = await TmuxPane.start(`'${HELPER_BINARY}' unlock`, store.env);
    await pane.waitFor(/Enter the tsstore passphrase: $/m);
    await pane.sendKeys('C-c');
    expect(await pane.exitCode()).toBe(1);
    expect(await pane.screen()).toContain('docker-credential-tsstore: passphrase entry cancelled: the store key stays locked');
    expect(existsSync(store.agent.socket)).toBe(false);
  });
});

describe.skipIf(!haveAll(['tmux']))('init and passwd at a terminal', () => {
  it('init asks for a passphrase twice and protects the new key with it; empty gives one warning and no protection', async () => {
    store = await protectedStore(); // only for its HOME and cleanup; init below uses another store folder
    const env = { ...store.env, TSSTORE_HOME: join(store.home.home, 'fresh') };
    const keyFile = join(env.TSSTORE_HOME, 'pgp', 'private-key.asc');
    const passphrase = newSecret('init pass');
    pane = await TmuxPane.start(`'${HELPER_BINARY}' init --backend pgp --no-docker-config`, env);
    await pane.waitFor(/New passphrase \(empty for none\): $/m);
    await pane.typeLine(passphrase);
    await pane.waitFor(/Repeat the new passphrase: $/m);
    await pane.typeLine(passphrase);
    expect(await pane.exitCode()).toBe(0);
    expect(await pane.screen()).toMatch(/Created the store key [0-9a-f]{40} in /);
    expect(secretKeyProtections(readFileSync(keyFile, 'utf8')).map((p) => p.s2kUsage)).toEqual([254, 254]);
    await pane.stop();

    const bare = { ...store.env, TSSTORE_HOME: join(store.home.home, 'bare') };
    pane = await TmuxPane.start(`'${HELPER_BINARY}' init --backend pgp --no-docker-config`, bare);
    await pane.waitFor(/New passphrase \(empty for none\): $/m);
    await pane.typeLine('');
    expect(await pane.exitCode()).toBe(0);
    const screen = await pane.screen();
    const bareKey = join(bare.TSSTORE_HOME, 'pgp', 'private-key.asc');
    expect(screen).toContain(`Warning: no passphrase: anyone who can read ${bareKey} can read your credentials (docker-credential-tsstore passwd adds one).`);
    expect(screen.match(/Warning/g)).toHaveLength(1);
    expect(secretKeyProtections(readFileSync(bareKey, 'utf8')).map((p) => p.s2kUsage)).toEqual([0, 0]);
  });

  it('passwd changes the passphrase (old one refused, credentials still readable), then removes it', async () => {
    store = await protectedStore();
    const secret = newSecret('secret');
    await storeLogin(store, 'alice', secret);
    const fresh = newSecret('new pass');

    pane = await TmuxPane.start(`'${HELPER_BINARY}' passwd`, store.env);
    await pane.waitFor(/Current tsstore passphrase: $/m);
    await pane.typeLine(store.passphrase);
    await pane.waitFor(/New passphrase \(empty for none\): $/m);
    await pane.typeLine(fresh);
    await pane.waitFor(/Repeat the new passphrase: $/m);
    await pane.typeLine(fresh);
    expect(await pane.exitCode()).toBe(0);
    expect(await pane.screen()).toContain('Passphrase changed.');
    await pane.stop();

    const oldFile = { ...store.env, TSSTORE_PASSPHRASE_FILE: store.passphraseFile };
    expect(await runDetached(['get'], { env: oldFile, input: HOST })).toMatchObject({ stdout: expect.stringMatching(/does not hold the passphrase/), exitCode: 1 });
    writeFileSync(store.passphraseFile, `${fresh}\n`);
    expect(await runDetached(['get'], { env: oldFile, input: HOST })).toMatchObject({ stdout: getOutput(HOST, 'alice', secret), exitCode: 0 });

    pane = await TmuxPane.start(`'${HELPER_BINARY}' passwd`, store.env);
    await pane.waitFor(/Current tsstore passphrase: $/m);
    await pane.typeLine(fresh);
    await pane.waitFor(/New passphrase \(empty for none\): $/m);
    await pane.typeLine('');
    expect(await pane.exitCode()).toBe(0);
    expect(await pane.screen()).toContain(`Passphrase removed. Anyone who can read ${store.keyFile} can now read your credentials.`);
    expect(await runDetached(['get'], { env: store.env, input: HOST })).toMatchObject({ stdout: getOutput(HOST, 'alice', secret), exitCode: 0 });
    expect(secretKeyProtections(readFileSync(store.keyFile, 'utf8')).map((p) => p.s2kUsage)).toEqual([0, 0]);
  });
});
