import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PgpBackend } from '../../../src/backends/pgp/pgp-backend.js';
import { storeKeySource } from '../../../src/unlock/store-key-source.js';
import { type FolderStamp, LIST_CACHE_FILE, SETTLE_MS, formatListCache, mayCache, readListCache, readListCacheAnswer } from '../../../src/backends/pgp/list-cache.js';
import { formatList } from '../../../src/protocol/codec.js';

/** No test may ask on the terminal the test runner may have. */
const noPrompt = storeKeySource(process.env, { mayPrompt: false });

const ms = (value: number) => String(BigInt(value) * 1_000_000n);
const stamp = (mtime: number, ctime = mtime, ino = '7'): FolderStamp => ({ dev: '1', ino, mtimeNs: ms(mtime), ctimeNs: ms(ctime) });

describe('mayCache (pure)', () => {
  const now = 1_800_000_000_000;
  it('caches a folder that settled before the scan and did not change during it', () => {
    expect(mayCache(stamp(now - SETTLE_MS), stamp(now - SETTLE_MS), now)).toBe(true);
  });
  it('refuses a folder changed within SETTLE_MS of the scan (a change in the same clock tick could hide)', () => {
    expect(mayCache(stamp(now - SETTLE_MS + 1), stamp(now - SETTLE_MS + 1), now)).toBe(false);
    expect(mayCache(stamp(now - 5000, now - 10), stamp(now - 5000, now - 10), now)).toBe(false);
  });
  it('refuses a folder that changed during the scan, was replaced, or has a time in the future', () => {
    expect(mayCache(stamp(now - 5000), stamp(now - 10), now)).toBe(false);
    expect(mayCache(stamp(now - 5000), stamp(now - 5000, now - 5000, '8'), now)).toBe(false);
    expect(mayCache(stamp(now + 60_000), stamp(now + 60_000), now)).toBe(false);
  });
});

describe('readListCache (pure)', () => {
  const folder = stamp(1000);
  const labels = [
    { serverURL: 'a.example', username: 'u1' },
    { serverURL: '__proto__', username: 'ü "x"' },
  ];
  const answer = formatList(new Map(labels.map((label) => [label.serverURL, label.username])));
  const text = formatListCache(folder, labels, answer);
  it('reads back what was written for the same folder: the accounts, and the list verb\'s answer as it was', () => {
    expect(readListCache(text, folder)).toEqual(new Map([['a.example', 'u1'], ['__proto__', 'ü "x"']]));
    expect(readListCacheAnswer(text, folder)).toBe(answer);
  });
  it('ignores a cache of another folder state', () => {
    expect(readListCache(text, stamp(1001))).toBeUndefined();
    expect(readListCache(text, stamp(1000, 1000, '9'))).toBeUndefined();
    expect(readListCacheAnswer(text, stamp(1001))).toBeUndefined();
  });
  it.each([
    '',
    'null',
    '{',
    '[]',
    '{"format":"tsstore-list-cache-2"}',
    text.replace('["a.example","u1"]', '["a.example",1]'),
    text.replace('[["a.example"', '[["only-one"],["a.example"'),
    text.replace('tsstore-list-cache-2', 'other'),
    text.slice(0, -1),
    `${text}\n`,
  ])('treats a damaged or foreign cache as no cache (%j)', (damaged) => {
    expect(readListCache(damaged, folder)).toBeUndefined();
  });
  it.each(['', '{', '{"format":"tsstore-list-cache-2"}', text.replace(answer, '[]\n'), text.replace(answer, '\n'), text.replace('tsstore-list-cache-2', 'tsstore-list-cache-1'), text.slice(0, -1)])(
    'gives no answer from a damaged, foreign or older cache (%j)',
    (damaged) => {
      expect(readListCacheAnswer(damaged, folder)).toBeUndefined();
    },
  );
});

describe('the list cache of the pgp backend', () => {
  let dir: string;
  let store: PgpBackend;
  const cacheFile = () => join(store.layout.root, LIST_CACHE_FILE);
  const settle = () => sleep(SETTLE_MS + 100);

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tsstore-list-cache-'));
    store = new PgpBackend(join(dir, 'pgp'), noPrompt);
    await store.initialize();
    await store.add('one.example', { username: 'u1', secret: 's1' });
    await store.add('two.example', { username: 'u2', secret: 's2' });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is not written while the folder has just changed', async () => {
    expect(await store.list()).toEqual(new Map([['one.example', 'u1'], ['two.example', 'u2']]));
    expect(() => statSync(cacheFile())).toThrow(/ENOENT/);
  });

  it('is not written when only this machine says the folder settled (a file system clock behind ours)', async () => {
    const ahead = Date.now() + 60_000;
    const clock = vi.spyOn(Date, 'now').mockReturnValue(ahead);
    try {
      expect(await store.list()).toEqual(new Map([['one.example', 'u1'], ['two.example', 'u2']]));
    } finally {
      clock.mockRestore();
    }
    expect(() => statSync(cacheFile())).toThrow(/ENOENT/);
    expect(readdirSync(store.layout.temporaryDir)).toEqual([]);
  });

  it('is written (0600) once the folder settled, and then answers without reading the credential files', async () => {
    await settle();
    const scanned = await store.list();
    expect((statSync(cacheFile()).mode & 0o777).toString(8)).toBe('600');
    expect(readFileSync(cacheFile(), 'utf8')).not.toMatch(/s1|s2/);
    // A file rewritten in place leaves the folder as it was (tsstore never does that; it renames): only
    // the cache can still give the old answer.
    const one = join(store.layout.credentialsDir, 'one%2Eexample.asc');
    writeFileSync(one, readFileSync(one, 'utf8').replace('"Username":"u1"', '"Username":"rewritten"'));
    expect(await store.list()).toEqual(scanned);
    expect(scanned.get('one.example')).toBe('u1');
    expect(await store.listAnswer()).toBe('{"one.example":"u1","two.example":"u2"}\n');
  });

  it('gives the list verb the answer the cache holds, without building it from the accounts again', async () => {
    await settle();
    const answer = await store.listAnswer();
    expect(answer).toBe(formatList(await store.list()));
    expect(readFileSync(cacheFile(), 'utf8').split('\n')[1]).toBe(answer.slice(0, -1));
    // Only the stored answer is written out: an answer line that differs from the accounts line shows it.
    const cache = readFileSync(cacheFile(), 'utf8');
    writeFileSync(cacheFile(), cache.replace(answer, '{"from-the-cache":"x"}\n'));
    expect(await store.listAnswer()).toBe('{"from-the-cache":"x"}\n');
    expect(await store.list()).toEqual(new Map([['one.example', 'u1'], ['two.example', 'u2']]));
  });

  it('answers the list verb as formatList does, with no cache, with a fresh one and once the folder changed', async () => {
    await store.add('__proto__', { username: 'ü <x>', secret: 's' });
    await store.add('10', { username: 'n', secret: 's' });
    const expected = formatList(await store.list());
    expect(await store.listAnswer()).toBe(expected);
    await settle();
    expect(await store.listAnswer()).toBe(expected);
    expect(await store.listAnswer()).toBe(expected);
    await store.delete('10');
    expect(await store.listAnswer()).toBe(formatList(await store.list()));
    expect(await store.listAnswer()).not.toBe(expected);
  });

  it('sees every store, replacement and erase that comes after it, at once', async () => {
    await settle();
    await store.list();
    const before = readFileSync(cacheFile(), 'utf8');
    await store.add('three.example', { username: 'u3', secret: 's3' });
    expect(await store.list()).toEqual(new Map([['one.example', 'u1'], ['two.example', 'u2'], ['three.example', 'u3']]));
    await store.add('one.example', { username: 'new-user', secret: 's' });
    expect((await store.list()).get('one.example')).toBe('new-user');
    await store.delete('two.example');
    expect(await store.list()).toEqual(new Map([['one.example', 'new-user'], ['three.example', 'u3']]));
    // Until the folder settles again the old cache stays as it was and is not used.
    expect(readFileSync(cacheFile(), 'utf8')).toBe(before);
  });

  it('scans again when the cache file is damaged, and lists when it cannot be written', async () => {
    await settle();
    await store.list();
    writeFileSync(cacheFile(), '{"format":"tsstore-list-cache-2","folder":');
    expect(await store.list()).toEqual(new Map([['one.example', 'u1'], ['two.example', 'u2']]));
    writeFileSync(cacheFile(), '{"format":"tsstore-list-cache-2","folder":');
    expect(await store.listAnswer()).toBe('{"one.example":"u1","two.example":"u2"}\n');
    rmSync(cacheFile());
    // Nowhere to write the cache (permissions would not stop root, a file in place of the folder does).
    rmSync(store.layout.temporaryDir, { recursive: true });
    writeFileSync(store.layout.temporaryDir, '');
    expect(await store.list()).toEqual(new Map([['one.example', 'u1'], ['two.example', 'u2']]));
    expect(() => statSync(cacheFile())).toThrow(/ENOENT/);
  });
});
