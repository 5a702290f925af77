/**
 * The keyring verbs of the built single file talk to a real Secret Service (gnome-keyring in a
 * private D-Bus session) without ever waiting in bun's event loop and without Web Crypto's thread
 * pool. Why it matters (src/dbus/libc-socket.ts, secret-service/gcrypt-aes.ts): bun collects garbage
 * on its event loop's first tick, and Web Crypto starts two threads and answers through that loop;
 * neither is needed for one short conversation. Seen with strace, not with a clock: every wait of
 * the event loop is an epoll_pwait call, every bun thread names itself with prctl(PR_SET_NAME).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HELPER_BINARY } from '../support/helper-binary.js';
import { haveAll } from '../support/real-components.js';
import { SECRET_SERVICE_PROGRAMS, type SecretServiceSession, startSecretService } from '../support/secret-service.js';

const keyringOnly = { TSSTORE_BACKEND: 'keyring' };
const login = (serverURL: string, username: string, secret: string) => JSON.stringify({ ServerURL: serverURL, Username: username, Secret: secret });

describe.skipIf(!haveAll([...SECRET_SERVICE_PROGRAMS, 'strace']))('keyring verbs in the single file and bun\'s event loop', { retry: 2 }, () => {
  let session: SecretServiceSession;
  let traces: string;
  beforeAll(async () => {
    session = await startSecretService({ prefix: 'tsstore-event-loop-' });
    traces = mkdtempSync(join(tmpdir(), 'tsstore-event-loop-traces-'));
  });
  afterAll(async () => {
    await session?.stop();
    rmSync(traces, { recursive: true, force: true });
  });

  /** Runs one verb under strace; its answer, and the event-loop waits and thread names the trace saw. */
  async function traced(verb: string, input: string) {
    const file = join(traces, `${verb}-${Math.random().toString(16).slice(2)}.txt`);
    const result = await session.exec('strace', ['-f', '-qq', '-e', 'trace=epoll_wait,epoll_pwait,epoll_pwait2,prctl,sendto,recvfrom', '-o', file, HELPER_BINARY, verb], input, keyringOnly);
    const trace = readFileSync(file, 'utf8');
    const waits = trace.split('\n').filter((line) => /epoll_(p?wait2?)\(/.test(line));
    const threads = [...trace.matchAll(/PR_SET_NAME, "([^"]*)"/g)].map((match) => match[1]);
    // Round trips on the bus: a send after something was read starts the next one.
    let roundTrips = 0;
    let read = true;
    for (const line of trace.split('\n')) {
      if (/\bsendto\(/.test(line)) {
        if (read) roundTrips++;
        read = false;
      } else if (/\brecvfrom\(/.test(line)) read = true;
    }
    return { result: { stdout: result.stdout, exitCode: result.exitCode }, waits, threads, roundTrips };
  }

  it('store, get (a hit and a miss), list and erase answer without an event-loop wait and without Web Crypto threads', async () => {
    const runs = [
      { verb: 'store', input: login('loop.example:5000', 'loop-user', 'lööp 🔑'), stdout: '' },
      { verb: 'get', input: 'loop.example:5000', stdout: `${login('loop.example:5000', 'loop-user', 'lööp 🔑')}\n` },
      { verb: 'get', input: 'never-stored.example', stdout: 'credentials not found in native keychain\n' },
      { verb: 'list', input: 'unused', stdout: '{"loop.example:5000":"loop-user"}\n' },
      { verb: 'erase', input: 'loop.example:5000', stdout: '' },
    ];
    const roundTrips: number[] = [];
    for (const run of runs) {
      const seen = await traced(run.verb, run.input);
      expect(seen.result.stdout, run.verb).toBe(run.stdout);
      expect(seen.waits, `${run.verb}: waits in the event loop`).toEqual([]);
      expect(seen.threads.filter((name) => name?.startsWith('Bun Pool')), `${run.verb}: Web Crypto's threads`).toEqual([]);
      if (run.verb === 'get') roundTrips.push(seen.roundTrips);
    }
    // A hit: AUTH and Hello with SearchItems and OpenSession behind them (connection.ts start,
    // session.ts); GetSecret. 3 before start, 4 before round 1.
    expect(roundTrips[0], 'round trips of a get hit').toBe(2);
    // A miss: AUTH, Hello, SearchItems and OpenSession; the state (ReadAlias, GetAll) with the searches
    // of the other five spellings (keyring-backend.ts lookAhead), all at once: 8 round trips before.
    expect(roundTrips[1], 'round trips of a get miss').toBe(2);
    expect(await session.searchItems({ service: 'tsstore' })).toEqual([]);
  });
});
