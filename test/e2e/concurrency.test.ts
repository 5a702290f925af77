/**
 * Many helpers at once on one pgp store, on the built single file: what `docker buildx`, parallel CI jobs
 * and `docker login` in several terminals do to a credential store.
 *
 * Every username carries its server's name and its secret is a hash of the username, so any answer can be
 * checked on its own: a username never travels to another server, and never comes back with another
 * login's secret.
 *
 * - first use: 32 stores into an empty TSSTORE_HOME at once make exactly one key, and every credential
 *   is readable with it;
 * - 5 rounds of 38 processes at once: stores of new servers, 6 logins of the same server with different
 *   usernames, replacements racing gets, erases racing gets, a store racing an erase, two erases of one
 *   server (exactly one finds it), gets and lists. After each round the store
 *   holds exactly what the last finished operations left, and every key `list` answers, answers `get`.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readPrivateKey } from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HelperResult, type TemporaryHome, runHelper, temporaryHome } from '../support/helper-binary.js';
import { seededRandom } from '../support/seeded-random.js';

const NOT_FOUND = 'credentials not found in native keychain\n';
const SHARED = 'shared.example:5000';
const ROUNDS = 5;
const FIRST_USE_PROCESSES = 32;
const PROCESSES_PER_ROUND = 38;

const secretOf = (username: string) => `pw-${createHash('sha256').update(username).digest('hex').slice(0, 40)}`;
const loginJSON = (server: string, username: string) => JSON.stringify({ ServerURL: server, Username: username, Secret: secretOf(username) });
/** What `get` must print for that login: the fields in the reference's order, no HTML-unsafe characters. */
const getOutput = (server: string, username: string) => `${loginJSON(server, username)}\n`;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

let home: TemporaryHome;
let pgpDir: string;
let processesRun = 0;

const run = (args: string[], input?: string): Promise<HelperResult> => {
  processesRun++;
  return runHelper(args, { env: home.env, input: input ?? (args[0] === 'list' ? 'unused' : '') });
};

/** `get` answered one of the allowed logins for `server` (or not-found, when allowed), byte for byte. */
function expectLogin(label: string, server: string, result: HelperResult, allowed: ReadonlySet<string>, notFoundAllowed = false): string | undefined {
  const context = `${label}: ${JSON.stringify(result)}`;
  expect(result.stderr, context).toBe('');
  if (notFoundAllowed && result.exitCode === 1 && result.stdout === NOT_FOUND) return undefined;
  expect(result.exitCode, context).toBe(0);
  const answer = JSON.parse(result.stdout) as { ServerURL: string; Username: string; Secret: string };
  expect(answer.Username.startsWith(`${server}#`), `${context}: a username of another server`).toBe(true);
  expect(answer.Secret, `${context}: the secret of another login`).toBe(secretOf(answer.Username));
  expect(allowed.has(answer.Username), `${context}: expected one of ${[...allowed].join(', ')}`).toBe(true);
  expect(result.stdout, context).toBe(getOutput(server, answer.Username));
  return answer.Username;
}

/** `list` answered one complete JSON object of server -> username, one line. */
function parseList(label: string, result: HelperResult): Map<string, string> {
  const context = `${label}: ${JSON.stringify(result).slice(0, 2000)}`;
  expect(result.exitCode, context).toBe(0);
  expect(result.stderr, context).toBe('');
  expect(result.stdout.endsWith('}\n') && result.stdout.indexOf('\n') === result.stdout.length - 1, context).toBe(true);
  const value = JSON.parse(result.stdout) as unknown;
  expect(typeof value === 'object' && value !== null && !Array.isArray(value), context).toBe(true);
  const entries = Object.entries(value as Record<string, unknown>);
  for (const [, username] of entries) expect(typeof username, context).toBe('string');
  return new Map(entries as Array<[string, string]>);
}

function leftoversIn(dir: string): string[] {
  return readdirSync(dir);
}

beforeAll(() => {
  home = temporaryHome('tsstore-concurrency-');
  pgpDir = join(home.env.TSSTORE_HOME as string, 'pgp');
});
afterAll(() => {
  console.log(`concurrency: ${processesRun} helper processes run in all`);
  home.cleanup();
});

/** server -> the username stored there now (known exactly between rounds). */
const current = new Map<string, string>();
let keyDigest = '';

describe('many helper processes at once on one pgp store (built file)', () => {
  it(`${FIRST_USE_PROCESSES} stores into an empty store at once: one key, one note, every credential readable`, async () => {
    const servers = Array.from({ length: FIRST_USE_PROCESSES }, (_, i) => `first-${i}.example:${5000 + i}`);
    const stores = await Promise.all(servers.map((server) => run(['store'], loginJSON(server, `${server}#0`))));
    for (const [index, result] of stores.entries()) {
      expect(result.exitCode, `store ${servers[index]}: ${JSON.stringify(result)}`).toBe(0);
      expect(result.stdout).toBe('');
    }
    // Only the process whose key won the race says it created one; every other one used that key.
    const notes = stores.map((result) => result.stderr).filter((stderr) => stderr !== '');
    expect(notes).toHaveLength(1);
    const fingerprint = /^tsstore: created a new OpenPGP store key ([0-9a-f]{40}) in (\S+)\n$/.exec(notes[0] as string);
    expect(fingerprint, notes[0]).not.toBeNull();
    expect(fingerprint?.[2]).toBe(join(pgpDir, 'private-key.asc'));
    const armoredKey = readFileSync(join(pgpDir, 'private-key.asc'), 'utf8');
    expect((await readPrivateKey({ armoredKey })).getFingerprint()).toBe(fingerprint?.[1]);
    keyDigest = sha256(armoredKey);

    // Nothing half-done is left: no losing key's temporary file, no temporary credential.
    expect(readdirSync(home.env.TSSTORE_HOME as string).sort()).toEqual(['pgp', 'settings.json']);
    expect(JSON.parse(readFileSync(join(home.env.TSSTORE_HOME as string, 'settings.json'), 'utf8'))).toEqual({ backend: 'pgp' });
    expect(readdirSync(pgpDir).sort()).toEqual(['credentials', 'private-key.asc', 'recipients', 'tmp']);
    expect(leftoversIn(join(pgpDir, 'tmp'))).toEqual([]);
    expect(readdirSync(join(pgpDir, 'credentials'))).toHaveLength(FIRST_USE_PROCESSES);

    // 32 gets at once, all with the one key.
    const gets = await Promise.all(servers.map((server) => run(['get'], server)));
    gets.forEach((result, index) => {
      const server = servers[index] as string;
      expectLogin(`get ${server}`, server, result, new Set([`${server}#0`]));
      current.set(server, `${server}#0`);
    });
    expect(parseList('list', await run(['list']))).toEqual(current);
  }, 240_000);

  it(`${ROUNDS} rounds of ${PROCESSES_PER_ROUND} processes at once: stores, same-server logins, replacements, gets, erases, lists`, async () => {
    expect(current.size, 'needs the store of the first test').toBe(FIRST_USE_PROCESSES);
    const random = seededRandom('concurrency');
    expect(await run(['store'], loginJSON(SHARED, `${SHARED}#seed`))).toEqual({ stdout: '', stderr: '', exitCode: 0 });
    current.set(SHARED, `${SHARED}#seed`);

    for (let round = 0; round < ROUNDS; round++) {
      const others = random.shuffle([...current.keys()].filter((server) => server !== SHARED));
      const replaced = others.slice(0, 2);
      const erased = others.slice(2, 5);
      const erasedWhileRead = others.slice(5, 7);
      const readOnly = others.slice(7, 11);
      const contested = others[11] as string; // a store and an erase at once: docker login racing docker logout
      const erasedTwice = others[12] as string; // two erases at once: exactly one finds it
      const created = Array.from({ length: 6 }, (_, i) => `r${round}-new-${i}.example`);
      const sharedLogins = Array.from({ length: 6 }, (_, i) => `${SHARED}#r${round}-${i}`);
      const replacement = (server: string) => `${server}#r${round}`;

      /** What a concurrent `list` may show for each server, and which servers it must show. */
      const mayList = new Map<string, Set<string>>();
      for (const [server, username] of current) mayList.set(server, new Set([username]));
      for (const server of created) mayList.set(server, new Set([`${server}#r${round}`]));
      for (const server of replaced) mayList.get(server)?.add(replacement(server));
      for (const username of sharedLogins) mayList.get(SHARED)?.add(username);
      mayList.get(contested)?.add(replacement(contested));
      const mustList = [...current.keys()].filter((server) => ![...erased, ...erasedWhileRead, contested, erasedTwice].includes(server));

      type Operation = { label: string; start: () => Promise<HelperResult>; check: (result: HelperResult) => void };
      const operations: Operation[] = [];
      const expectDone = (label: string) => (result: HelperResult) => expect(result, label).toEqual({ stdout: '', stderr: '', exitCode: 0 });
      for (const server of created) {
        const label = `round ${round}: store new ${server}`;
        operations.push({ label, start: () => run(['store'], loginJSON(server, `${server}#r${round}`)), check: expectDone(label) });
      }
      for (const username of sharedLogins) {
        const label = `round ${round}: store ${SHARED} as ${username}`;
        operations.push({ label, start: () => run(['store'], loginJSON(SHARED, username)), check: expectDone(label) });
      }
      for (let i = 0; i < 3; i++) {
        const label = `round ${round}: get ${SHARED} while 6 logins replace it`;
        operations.push({ label, start: () => run(['get'], SHARED), check: (result) => void expectLogin(label, SHARED, result, mayList.get(SHARED) as Set<string>) });
      }
      for (const server of replaced) {
        const label = `round ${round}: replace ${server}`;
        operations.push({ label, start: () => run(['store'], loginJSON(server, replacement(server))), check: expectDone(label) });
        const getLabel = `round ${round}: get ${server} while it is replaced`;
        const allowed = new Set([current.get(server) as string, replacement(server)]);
        operations.push({ label: getLabel, start: () => run(['get'], server), check: (result) => void expectLogin(getLabel, server, result, allowed) });
      }
      for (const server of readOnly) {
        const label = `round ${round}: get ${server}`;
        const allowed = new Set([current.get(server) as string]);
        operations.push({ label, start: () => run(['get'], server), check: (result) => void expectLogin(label, server, result, allowed) });
      }
      for (const server of [...erased, ...erasedWhileRead]) {
        const label = `round ${round}: erase ${server}`;
        operations.push({ label, start: () => run(['erase'], server), check: expectDone(label) });
      }
      for (const server of erasedWhileRead) {
        const label = `round ${round}: get ${server} while it is erased`;
        const allowed = new Set([current.get(server) as string]);
        operations.push({ label, start: () => run(['get'], server), check: (result) => void expectLogin(label, server, result, allowed, true) });
      }
      {
        const label = `round ${round}: store ${contested} while it is erased`;
        operations.push({ label, start: () => run(['store'], loginJSON(contested, replacement(contested))), check: expectDone(label) });
        const eraseLabel = `round ${round}: erase ${contested} while it is stored`;
        // The store renames its new file over the old one, so the erase always finds one of the two.
        operations.push({ label: eraseLabel, start: () => run(['erase'], contested), check: expectDone(eraseLabel) });
      }
      const erasesOfOne: HelperResult[] = [];
      for (let i = 0; i < 2; i++) {
        const label = `round ${round}: erase ${erasedTwice} (${i + 1} of 2 at once)`;
        operations.push({
          label,
          start: () => run(['erase'], erasedTwice),
          check: (result) => {
            erasesOfOne.push(result);
            if (erasesOfOne.length === 2) {
              const answers = erasesOfOne.map((one) => JSON.stringify(one)).sort();
              expect(answers, `${label}: exactly one erase finds it`).toEqual(
                [{ stdout: '', stderr: '', exitCode: 0 }, { stdout: NOT_FOUND, stderr: '', exitCode: 1 }].map((one) => JSON.stringify(one)).sort(),
              );
            }
          },
        });
      }
      for (let i = 0; i < 4; i++) {
        const label = `round ${round}: list ${i}`;
        operations.push({
          label,
          start: () => run(['list']),
          check: (result) => {
            const listed = parseList(label, result);
            for (const [server, username] of listed) {
              expect(mayList.get(server)?.has(username), `${label}: ${server} -> ${username} was never stored there`).toBe(true);
            }
            for (const server of mustList) expect(listed.has(server), `${label}: ${server} is missing`).toBe(true);
          },
        });
      }
      expect(operations.length).toBe(PROCESSES_PER_ROUND);

      const order = random.shuffle(operations);
      const results = await Promise.all(order.map((operation) => operation.start()));
      order.forEach((operation, index) => operation.check(results[index] as HelperResult));

      // Quiet again: the store holds exactly what the operations left.
      for (const server of [...erased, ...erasedWhileRead, erasedTwice]) current.delete(server);
      for (const server of created) current.set(server, `${server}#r${round}`);
      for (const server of replaced) current.set(server, replacement(server));
      const listed = parseList(`round ${round}: list afterwards`, await run(['list']));
      // The contested server holds the new login, or nothing if the erase came last; get must agree below.
      const contestedNow = listed.get(contested);
      expect([undefined, replacement(contested)], `round ${round}: ${contested} after a store and an erase`).toContain(contestedNow);
      if (contestedNow === undefined) current.delete(contested);
      else current.set(contested, contestedNow);
      expect([...listed.keys()].sort()).toEqual([...current.keys()].sort());
      expect(sharedLogins, `round ${round}: the shared server must hold one of this round's logins`).toContain(listed.get(SHARED));
      current.set(SHARED, listed.get(SHARED) as string);
      expect(listed).toEqual(current);

      const changed = [...created, ...replaced, SHARED, ...(contestedNow === undefined ? [] : [contested])];
      const answers = await Promise.all([...changed, contestedNow === undefined ? contested : (erased[0] as string)].map((server) => run(['get'], server)));
      changed.forEach((server, index) =>
        expectLogin(`round ${round}: get ${server} afterwards`, server, answers[index] as HelperResult, new Set([current.get(server) as string])),
      );
      expect(answers[changed.length], `round ${round}: get of an erased server`).toEqual({ stdout: NOT_FOUND, stderr: '', exitCode: 1 });
      expect(leftoversIn(join(pgpDir, 'tmp')), `round ${round}: temporary files left`).toEqual([]);
      expect(readdirSync(join(pgpDir, 'credentials')).sort()).toHaveLength(current.size);
      expect(sha256(readFileSync(join(pgpDir, 'private-key.asc'), 'utf8')), 'the store key changed').toBe(keyDigest);
    }

    // At the end, every key list answers answers get with its own login (all at once, too).
    const listed = parseList('final list', await run(['list']));
    expect(listed).toEqual(current);
    const servers = [...listed.keys()];
    const answers = await Promise.all(servers.map((server) => run(['get'], server)));
    servers.forEach((server, index) => expectLogin(`final get ${server}`, server, answers[index] as HelperResult, new Set([listed.get(server) as string])));
  }, 400_000);
});
