/**
 * The agent of a store whose paths are too long for a socket, on the built file: its folder in the
 * shared temporary folder cannot be guessed or taken first by another local user. Before, it was
 * `$TMPDIR/tsstore-<uid>`, and a folder of that name made by someone else made `unlock` fail for good.
 */
import { chownSync, lstatSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { type ProtectedStore, agentPids, eventually, getOutput, newSecret, protectedStore, runDetached } from '../agent/protected-store.js';
import { HELPER_BINARY } from '../support/helper-binary.js';
import { findOnPath, requireReal } from '../support/real-components.js';

const HOST = 'registry.example:5000';
const LOCKED_NO_TERMINAL = 'the store key is locked and there is no terminal to ask for its passphrase: run docker-credential-tsstore unlock\n';
const NOBODY = 65534;
const isRoot = process.getuid?.() === 0;
const STRACE = findOnPath('strace');

/** State letter of a process from /proc (T or t: stopped); '' when it is gone. */
function processState(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '')[0] ?? '';
  } catch {
    return '';
  }
}

/** The one child of `pid` (strace's tracee), or undefined while there is none. */
function childOf(pid: number): number | undefined {
  try {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
    return children === '' ? undefined : Number(children.split(' ')[0]);
  } catch {
    return undefined;
  }
}

let store: ProtectedStore | undefined;
afterEach(async () => {
  await store?.cleanup();
  store = undefined;
});

/** A store too deep for a socket, with TMPDIR a shared (1777) folder of its own that "another user" can write to. */
async function deepStore(): Promise<{ store: ProtectedStore; tmp: string }> {
  const tmp = join('/tmp', `tsstore-e2e-tmp-${process.pid}-${Date.now()}`);
  mkdirSync(tmp, { mode: 0o1777 });
  const created = await protectedStore({ longStorePath: true, tmpDir: tmp });
  expect(created.place.kind).toBe('recorded');
  const cleanup = created.cleanup.bind(created);
  created.cleanup = async () => {
    await cleanup();
    rmSync(tmp, { recursive: true, force: true });
  };
  return { store: created, tmp };
}

/** What another local user would do: make the folder first, theirs and closed. */
function takeAsAnotherUser(dir: string): void {
  mkdirSync(dir, { mode: 0o700 });
  chownSync(dir, NOBODY, NOBODY);
}

describe.skipIf(!isRoot)('the agent folder of a store too deep for a socket', () => {
  it('a folder named tsstore-<uid> made first by another user stops neither unlock nor get', async () => {
    const deep = await deepStore();
    store = deep.store;
    const uid = process.getuid?.() ?? 0;
    takeAsAnotherUser(join(deep.tmp, `tsstore-${uid}`));
    const secret = newSecret('secret');
    const stored = await runDetached(['store'], { env: store.env, input: JSON.stringify({ ServerURL: HOST, Username: 'alice', Secret: secret }) });
    expect(stored).toMatchObject({ stdout: '', exitCode: 0 });

    const unlock = await runDetached(['unlock'], { env: { ...store.env, TSSTORE_PASSPHRASE_FILE: store.passphraseFile } });
    expect(unlock).toMatchObject({ stdout: expect.stringMatching(/^Unlocked for 10m /), stderr: '', exitCode: 0, timedOut: false });
    const agent = store.agent;
    expect(agent.dir).toMatch(new RegExp(`^${deep.tmp}/tsstore-[0-9a-f]{16}$`));
    expect(lstatSync(agent.dir)).toMatchObject({ uid });
    expect(lstatSync(agent.dir).mode & 0o777).toBe(0o700);
    expect(lstatSync(agent.socket).isSocket()).toBe(true);
    expect(readFileSync(join(store.storeDir, 'agent-folder'), 'utf8')).toBe(`${agent.dir}\n`);
    expect(lstatSync(join(store.storeDir, 'agent-folder')).mode & 0o777).toBe(0o600);

    // No terminal and no passphrase file: only the agent in the recorded folder can answer.
    expect(await runDetached(['get'], { env: store.env, input: HOST })).toEqual({ stdout: getOutput(HOST, 'alice', secret), stderr: '', exitCode: 0, timedOut: false });
  });

  it('after a reboot, another user who saw the name and took it first: get says locked (not an error about their folder), and unlock moves to a new folder', async () => {
    const deep = await deepStore();
    store = deep.store;
    const secret = newSecret('secret');
    await runDetached(['store'], { env: store.env, input: JSON.stringify({ ServerURL: HOST, Username: 'alice', Secret: secret }) });
    const withFile = { ...store.env, TSSTORE_PASSPHRASE_FILE: store.passphraseFile };
    expect(await runDetached(['unlock'], { env: withFile })).toMatchObject({ exitCode: 0 });
    const first = store.agent;

    // A reboot: the agent is gone, and so is everything in the temporary folder.
    expect(await runDetached(['lock'], { env: store.env })).toMatchObject({ stdout: 'Locked: the agent forgot the store key and stopped.\n', exitCode: 0 });
    await eventually(() => agentPids(first.socket).length === 0, 'the agent exiting after lock');
    rmSync(first.dir, { recursive: true, force: true });
    // Their folder, with their socket listening where ours was: as root, get could connect to it, so only
    // the client's own check of folder and socket owner keeps it from talking to them.
    mkdirSync(first.dir, { mode: 0o700 });
    let connections = 0;
    const planted = createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => planted.listen(first.socket, resolve));
    try {
      chownSync(first.socket, NOBODY, NOBODY);
      chownSync(first.dir, NOBODY, NOBODY);
      expect(readdirSync(deep.tmp)).toEqual([first.dir.split('/').pop()]);
      expect(lstatSync(first.socket)).toMatchObject({ uid: NOBODY });

      expect(await runDetached(['get'], { env: store.env, input: HOST })).toEqual({ stdout: LOCKED_NO_TERMINAL, stderr: '', exitCode: 1, timedOut: false });
      expect(connections).toBe(0);
    } finally {
      await new Promise<void>((resolve) => planted.close(() => resolve()));
    }
    expect(await runDetached(['unlock'], { env: withFile })).toMatchObject({ stdout: expect.stringMatching(/^Unlocked for /), exitCode: 0 });
    const second = store.agent;
    expect(second.dir).not.toBe(first.dir);
    expect(lstatSync(second.dir).uid).toBe(process.getuid?.());
    expect(await runDetached(['get'], { env: store.env, input: HOST })).toEqual({ stdout: getOutput(HOST, 'alice', secret), stderr: '', exitCode: 0, timedOut: false });
  });

  it.runIf(STRACE !== undefined || requireReal)('two unlocks that both find the recorded folder taken agree on one new folder: the record is replaced only if it still names the folder that was read', async () => {
    expect(STRACE, 'strace is needed to stop one unlock at a chosen moment').toBeDefined();
    const deep = await deepStore();
    store = deep.store;
    const secret = newSecret('secret');
    await runDetached(['store'], { env: store.env, input: JSON.stringify({ ServerURL: HOST, Username: 'alice', Secret: secret }) });
    const withFile = { ...store.env, TSSTORE_PASSPHRASE_FILE: store.passphraseFile };
    expect(await runDetached(['unlock'], { env: withFile })).toMatchObject({ exitCode: 0 });
    const first = store.agent;
    expect(await runDetached(['lock'], { env: store.env })).toMatchObject({ exitCode: 0 });
    await eventually(() => agentPids(first.socket).length === 0, 'the agent exiting after lock');
    rmSync(first.dir, { recursive: true, force: true });
    takeAsAnotherUser(first.dir);

    // Unlock A is stopped (SIGSTOP from strace) once its first file is written and synced, before that file
    // is put in place: it has read the record, found its folder taken and made a new one. Unlock B then
    // runs from start to end.
    const a = execa(STRACE as string, ['-o', '/dev/null', '-e', 'trace=fsync', '-e', 'inject=fsync:signal=STOP:when=1', HELPER_BINARY, 'unlock'], {
      env: withFile,
      extendEnv: false,
      reject: false,
      detached: true,
      timeout: 60_000,
    });
    let aPid: number | undefined;
    await eventually(() => {
      aPid = a.pid === undefined ? undefined : childOf(a.pid);
      return aPid !== undefined && ['T', 't'].includes(processState(aPid));
    }, 'unlock A stopping after its first fsync');
    const b = await runDetached(['unlock'], { env: withFile });
    process.kill(aPid as number, 'SIGCONT');
    const aResult = await a;
    expect(b).toMatchObject({ stdout: expect.stringMatching(/^Unlocked for /), exitCode: 0 });
    expect(aResult).toMatchObject({ stdout: expect.stringMatching(/^Unlocked for /), exitCode: 0 });

    // One new folder, the one recorded, with the one agent: before, each unlock recorded its own and the
    // first one's agent was left where no client looks.
    const recorded = store.agent;
    const made = readdirSync(deep.tmp).filter((name) => join(deep.tmp, name) !== first.dir);
    expect(made.map((name) => join(deep.tmp, name))).toEqual([recorded.dir]);
    expect(agentPids(recorded.socket)).toHaveLength(1);
    expect(readdirSync(store.storeDir).filter((name) => name.startsWith('agent-folder') || name.startsWith('.agent-folder'))).toEqual(['agent-folder']);
    expect(await runDetached(['get'], { env: store.env, input: HOST })).toEqual({ stdout: getOutput(HOST, 'alice', secret), stderr: '', exitCode: 0, timedOut: false });
  });
});
