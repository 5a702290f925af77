/**
 * Never hang docker (the docker CLI runs helpers with no timeout): on the built file, every verb ends
 * with one line and exit 1 when the peer it needs accepts the connection and never answers: a stopped
 * agent, a wedged D-Bus bus, a stopped Secret Service. The outer limits here are hang guards, not
 * timing assertions. And a person typing a verb at a terminal is told what it reads.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { type Server, type Socket, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HELPER_BINARY, temporaryHome } from '../support/helper-binary.js';
import { haveAll } from '../support/real-components.js';
import { SECRET_SERVICE_PROGRAMS, KeyringDaemonPause, type SecretServiceSession, startSecretService } from '../support/secret-service.js';
import { type ProtectedStore, agentPids, eventually, getOutput, newSecret, protectedStore, runDetached } from '../agent/protected-store.js';
import { TmuxPane } from '../agent/tmux.js';

const HOST = 'registry.example:5000';
/** Far above any bound of the helper's own, far below forever. */
const HANG_GUARD_MS = 20_000;
const LOCKED_NO_TERMINAL = 'the store key is locked and there is no terminal to ask for its passphrase: run docker-credential-tsstore unlock\n';

function login(serverURL: string): string {
  return JSON.stringify({ ServerURL: serverURL, Username: 'u', Secret: 's' });
}

/** store first: before, it fell back to the keyring library, which waits for the peer for ever. */
const VERBS: Array<[string, string]> = [
  ['store', login(HOST)],
  ['get', HOST],
  ['erase', HOST],
  ['list', 'unused'],
];

describe('a stopped agent (SIGSTOP)', () => {
  let store: ProtectedStore | undefined;
  let stopped: number | undefined;
  afterEach(async () => {
    if (stopped !== undefined) process.kill(stopped, 'SIGCONT');
    stopped = undefined;
    await store?.cleanup();
    store = undefined;
  });

  it('get ends with one line and exit 1; lock sets the agent aside, and it exits once it runs again', async () => {
    store = await protectedStore();
    const secret = newSecret('secret');
    expect(await runDetached(['store'], { env: store.env, input: JSON.stringify({ ServerURL: HOST, Username: 'alice', Secret: secret }) })).toMatchObject({ exitCode: 0 });
    expect(await runDetached(['unlock'], { env: { ...store.env, TSSTORE_PASSPHRASE_FILE: store.passphraseFile } })).toMatchObject({ exitCode: 0 });
    expect(await runDetached(['get'], { env: store.env, input: HOST })).toMatchObject({ stdout: getOutput(HOST, 'alice', secret), exitCode: 0 });
    const socket = store.agent.socket;
    const [pid] = agentPids(socket);
    expect(pid).toBeGreaterThan(0);
    process.kill(pid as number, 'SIGSTOP');
    stopped = pid;

    // The kernel still accepts connections on its socket; nobody reads them.
    const get = await runDetached(['get'], { env: store.env, input: HOST, timeoutMs: HANG_GUARD_MS });
    expect(get).toEqual({
      stdout: `the tsstore agent (${socket}) did not answer within 5 s (stopped or stuck?); docker-credential-tsstore lock sets it aside\n`,
      stderr: '',
      exitCode: 1,
      timedOut: false,
    });
    const lock = await runDetached(['lock'], { env: store.env, timeoutMs: HANG_GUARD_MS });
    expect(lock).toMatchObject({ stdout: expect.stringMatching(/^The agent did not answer \(stopped or stuck\?\); its socket .* is removed/), exitCode: 0, timedOut: false });
    // Nothing asks it any more: a get where nobody can type fails at once, as with no agent.
    expect(await runDetached(['get'], { env: store.env, input: HOST, timeoutMs: HANG_GUARD_MS })).toEqual({ stdout: LOCKED_NO_TERMINAL, stderr: '', exitCode: 1, timedOut: false });

    process.kill(pid as number, 'SIGCONT');
    stopped = undefined;
    await eventually(() => agentPids(socket).length === 0, 'the resumed agent exiting (its socket is gone)');
  });
});

/** A unix socket that accepts connections and then says nothing (or only the AUTH answer). */
class FakeBus {
  private constructor(
    readonly path: string,
    private readonly server: Server,
    private readonly sockets: Socket[],
  ) {}

  static async start(dir: string, name: string, answerAuth: boolean): Promise<FakeBus> {
    const path = join(dir, `${name}.sock`);
    const sockets: Socket[] = [];
    const server = createServer((socket) => {
      sockets.push(socket);
      socket.on('error', () => undefined);
      socket.on('data', (chunk: Buffer) => {
        if (answerAuth && chunk.includes('AUTH')) socket.write('OK 0123456789abcdef0123456789abcdef\r\n');
      });
    });
    await new Promise<void>((resolve) => server.listen(path, resolve));
    return new FakeBus(path, server, sockets);
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

describe('TSSTORE_BACKEND=keyring with a D-Bus peer that never answers', () => {
  let dir: string;
  const buses: FakeBus[] = [];
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tsstore-fake-bus-'));
  });
  afterAll(async () => {
    for (const bus of buses) await bus.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const [kind, answerAuth, detail] of [
    ['accepts the connection and sends nothing', false, 'the D-Bus session bus did not answer in time'],
    ['answers AUTH, then no method call', true, 'org.freedesktop.DBus did not answer Hello in time'],
  ] as const) {
    it(`a bus that ${kind}: get, store, erase and list each end with one line and exit 1`, async () => {
      const bus = await FakeBus.start(dir, answerAuth ? 'auth' : 'silent', answerAuth);
      buses.push(bus);
      const home = temporaryHome('tsstore-fake-bus-home-');
      try {
        const env = { ...home.env, TSSTORE_BACKEND: 'keyring', DBUS_SESSION_BUS_ADDRESS: `unix:path=${bus.path}` };
        for (const [verb, input] of VERBS) {
          const result = await runDetached([verb], { env, input, timeoutMs: HANG_GUARD_MS });
          expect(result, verb).toEqual({
            stdout: `the keyring backend needs the Secret Service over D-Bus, and the D-Bus session bus at unix:path=${bus.path} does not answer (${detail}): run it in your desktop session, or start a keyring (dbus-run-session, then gnome-keyring-daemon --unlock), or use the pgp backend instead: docker-credential-tsstore init --backend pgp (or TSSTORE_BACKEND=pgp)\n`,
            stderr: '',
            exitCode: 1,
            timedOut: false,
          });
        }
      } finally {
        home.cleanup();
      }
    });
  }
});

describe.skipIf(!haveAll(SECRET_SERVICE_PROGRAMS))('TSSTORE_BACKEND=keyring with a stopped Secret Service (SIGSTOP gnome-keyring-daemon)', () => {
  let session: SecretServiceSession;
  let pause: KeyringDaemonPause | undefined;
  beforeAll(async () => {
    session = await startSecretService({ prefix: 'tsstore-stopped-keyring-' });
  });
  afterAll(async () => {
    pause?.resume();
    await session?.stop();
  });

  it('get, store, erase and list each end with one line and exit 1; the bus still answers, the library is never asked', async () => {
    const keyringOnly = { TSSTORE_BACKEND: 'keyring' };
    expect(await session.run(['store'], login(HOST), keyringOnly)).toMatchObject({ exitCode: 0 });
    pause = new KeyringDaemonPause(session.home);
    expect(pause.stop()).toBeGreaterThan(0);

    for (const [verb, input] of VERBS) {
      const result = await runDetached([verb], { env: { ...session.env, ...keyringOnly }, input, timeoutMs: HANG_GUARD_MS });
      expect(result, verb).toMatchObject({ stderr: '', exitCode: 1, timedOut: false });
      expect(result.stdout, verb).toMatch(
        new RegExp(
          `^the Secret Service on the D-Bus session bus at ${session.address.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} does not answer \\(org\\.freedesktop\\.secrets did not answer \\w+ in time\\): restart your keyring \\(log out and in again\\), or use the pgp backend instead: .*\\n$`,
        ),
      );
    }
    // The addon (the library, which has no timeout of its own) was never unpacked, never asked.
    expect(readdirSync(session.env.TMPDIR as string).filter((name) => name.endsWith('.node'))).toEqual([]);

    pause.resume();
    expect(await session.run(['get'], HOST, keyringOnly)).toMatchObject({ stdout: getOutput(HOST, 'u', 's'), exitCode: 0 });
  });
});

describe.skipIf(!haveAll(['tmux']))('a person running a verb by hand at a terminal', () => {
  let pane: TmuxPane | undefined;
  afterEach(async () => {
    await pane?.stop();
    pane = undefined;
  });

  it('get and store say on stderr what they read from the terminal; piped, or from /dev/null, they say nothing', async () => {
    const home = temporaryHome('tsstore-tty-');
    const env = { ...home.env, TSSTORE_BACKEND: 'pgp' };
    try {
      pane = await TmuxPane.start(`'${HELPER_BINARY}' store`, env);
      await pane.waitFor(/docker-credential-tsstore: reading the credentials as JSON \{"ServerURL":"…","Username":"…","Secret":"…"\} from standard input \(end with Ctrl-D\)/);
      await pane.typeLine(login(HOST));
      await pane.sendKeys('C-d');
      expect(await pane.exitCode()).toBe(0);
      await pane.stop();

      pane = await TmuxPane.start(`'${HELPER_BINARY}' get`, env);
      const { end } = await pane.waitFor(/docker-credential-tsstore: reading the server URL from standard input \(end with Ctrl-D\)\n/);
      await pane.typeLine(HOST);
      await pane.sendKeys('C-d');
      expect(await pane.exitCode(end)).toBe(0);
      expect(await pane.screen()).toContain(getOutput(HOST, 'u', 's').trim());

      // Docker's pipes: not a word on stderr.
      expect(await runDetached(['get'], { env, input: HOST })).toEqual({ stdout: getOutput(HOST, 'u', 's'), stderr: '', exitCode: 0, timedOut: false });
      // /dev/null is a character device too, but no terminal.
      const fromNull = await execa(HELPER_BINARY, ['get'], { stdin: { file: '/dev/null' }, env, extendEnv: false, reject: false, timeout: HANG_GUARD_MS });
      expect({ stdout: fromNull.stdout, stderr: fromNull.stderr, exitCode: fromNull.exitCode }).toEqual({ stdout: 'no credentials server URL', stderr: '', exitCode: 1 });
    } finally {
      home.cleanup();
    }
  });
});
