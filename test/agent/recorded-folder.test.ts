/** The recorded agent folder of a store whose paths are too long for a socket (issue: guessable fallback). */
import { createHash } from 'node:crypto';
import { chownSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, rmdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { askAgent } from '../../src/agent/client.js';
import { type AgentPlace, agentDirProblem, agentPlace } from '../../src/agent/location.js';
import { claimAgentLocation, findAgentLocation } from '../../src/agent/recorded-folder.js';

const isRoot = process.getuid?.() === 0;
const NOBODY = 65534;

let base: string;
let store: string;
let tmp: string;
let place: AgentPlace;

beforeEach(() => {
  base = mkdtempSync(join(tmpdir(), 'tsstore-recorded-'));
  store = join(base, 'x'.repeat(100), 'pgp');
  mkdirSync(store, { recursive: true, mode: 0o700 });
  tmp = join(base, 'tmp');
  mkdirSync(tmp, { mode: 0o1777 });
  place = agentPlace({ env: {}, storeRoot: store, tmp });
  expect(place.kind).toBe('recorded');
});
afterEach(() => rmSync(base, { recursive: true, force: true }));

function recordFile(): string {
  return join(store, 'agent-folder');
}

describe('the recorded agent folder', () => {
  it('no record: clients find nothing (one failed read); the first claim makes a random 0700 folder and a 0600 record', () => {
    expect(findAgentLocation(place)).toBeUndefined();
    const previous = process.umask(0o277); // a umask that would leave the folder without write permission
    let location;
    try {
      location = claimAgentLocation(place);
    } finally {
      process.umask(previous);
    }
    expect(location.dir).toMatch(new RegExp(`^${tmp}/tsstore-[0-9a-f]{16}$`));
    expect(location.socket).toBe(`${location.dir}/agent.sock`);
    expect(agentDirProblem(location.dir)).toBeUndefined();
    expect(lstatSync(location.dir).mode & 0o777).toBe(0o700);
    expect(readFileSync(recordFile(), 'utf8')).toBe(`${location.dir}\n`);
    expect(lstatSync(recordFile()).mode & 0o777).toBe(0o600);
    expect(findAgentLocation(place)).toEqual(location);
    expect(claimAgentLocation(place)).toEqual(location);
    expect(readdirSync(tmp)).toEqual([location.dir.split('/').pop()]);
    expect(readdirSync(store).sort()).toEqual(['agent-folder']); // no temporary file left behind
  });

  it('two stores get two folders, whose names have nothing to do with the uid', () => {
    const otherStore = join(base, 'y'.repeat(100), 'pgp');
    mkdirSync(otherStore, { recursive: true, mode: 0o700 });
    const one = claimAgentLocation(place);
    const two = claimAgentLocation(agentPlace({ env: {}, storeRoot: otherStore, tmp }));
    expect(one.dir).not.toBe(two.dir);
    // Random, not derived from the uid (a name starting with the uid's digits by chance is fine).
    for (const dir of [one.dir, two.dir]) {
      expect(basename(dir)).toMatch(/^tsstore-[0-9a-f]{16}$/);
      expect(basename(dir)).not.toBe(`tsstore-${process.getuid?.()}`);
    }
  });

  it('the folder gone after a reboot: clients still find no agent, the next claim makes the same folder again', () => {
    const location = claimAgentLocation(place);
    rmdirSync(location.dir);
    expect(findAgentLocation(place)).toEqual(location);
    expect(claimAgentLocation(place)).toEqual(location);
    expect(agentDirProblem(location.dir)).toBeUndefined();
  });

  it('a damaged record is replaced by a new folder', () => {
    writeFileSync(recordFile(), '/etc\n', { mode: 0o600 });
    expect(findAgentLocation(place)).toBeUndefined();
    const location = claimAgentLocation(place);
    expect(location.dir).toMatch(/\/tsstore-[0-9a-f]{16}$/);
    expect(readFileSync(recordFile(), 'utf8')).toBe(`${location.dir}\n`);
  });

  it('a symlink taking the recorded name after a reboot: a new folder, recorded', () => {
    const first = claimAgentLocation(place);
    rmdirSync(first.dir);
    mkdirSync(join(base, 'elsewhere'), { mode: 0o700 });
    symlinkSync(join(base, 'elsewhere'), first.dir);
    const second = claimAgentLocation(place);
    expect(second.dir).not.toBe(first.dir);
    expect(agentDirProblem(second.dir)).toBeUndefined();
    expect(findAgentLocation(place)).toEqual(second);
  });

  it.skipIf(!isRoot)('a folder of another uid taking the recorded name: clients send it nothing, the next claim moves to a new folder', async () => {
    const first = claimAgentLocation(place);
    rmdirSync(first.dir);
    // Another user saw the name in the shared temporary folder and made it first, with a socket inside.
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
      expect(findAgentLocation(place)).toEqual(first);
      // Not an error the user could not fix (it is not their folder): simply no agent of ours.
      expect(await askAgent(first, { op: 'status' })).toBeUndefined();
      expect(connections).toBe(0);
      const second = claimAgentLocation(place);
      expect(second.dir).not.toBe(first.dir);
      expect(lstatSync(second.dir).uid).toBe(process.getuid?.());
      expect(findAgentLocation(place)).toEqual(second);
    } finally {
      await new Promise<void>((resolve) => planted.close(() => resolve()));
    }
  });

  it('a process killed after it picked the successor of a taken folder: the next claim adopts its pick and clears it', () => {
    const first = claimAgentLocation(place);
    rmdirSync(first.dir);
    symlinkSync(base, first.dir); // taken
    const picked = join(tmp, 'tsstore-00112233445566aa');
    const successor = `${recordFile()}.next-${createHash('sha256').update(`${first.dir}\n`).digest('hex').slice(0, 16)}`;
    writeFileSync(successor, `${picked}\n`, { mode: 0o600 });
    const second = claimAgentLocation(place);
    expect(second.dir).toBe(picked);
    expect(readFileSync(recordFile(), 'utf8')).toBe(`${picked}\n`);
    expect(readdirSync(store).sort()).toEqual(['agent-folder']);
    expect(readdirSync(tmp).sort()).toEqual([basename(first.dir), basename(picked)].sort());
  });

  it('a successor whose folder is taken too is dropped: the claim starts over with a folder of its own', () => {
    const first = claimAgentLocation(place);
    rmdirSync(first.dir);
    symlinkSync(base, first.dir);
    const picked = join(tmp, 'tsstore-00112233445566aa');
    symlinkSync(base, picked);
    const successor = `${recordFile()}.next-${createHash('sha256').update(`${first.dir}\n`).digest('hex').slice(0, 16)}`;
    writeFileSync(successor, `${picked}\n`, { mode: 0o600 });
    const second = claimAgentLocation(place);
    expect([first.dir, picked]).not.toContain(second.dir);
    expect(agentDirProblem(second.dir)).toBeUndefined();
    expect(findAgentLocation(place)).toEqual(second);
    expect(readdirSync(store).sort()).toEqual(['agent-folder']);
  });

  it('a fixed place is used as it is', () => {
    const fixedPlace = agentPlace({ env: {}, storeRoot: join(base, 'short'), tmp });
    expect(fixedPlace.kind).toBe('fixed');
    expect(findAgentLocation(fixedPlace)).toEqual({ dir: join(base, 'short', 'agent'), socket: join(base, 'short', 'agent', 'agent.sock') });
    expect(claimAgentLocation(fixedPlace)).toEqual(findAgentLocation(fixedPlace));
  });
});
