/** The bounded lstat walk of tsstore's folders, on a real temporary folder. */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Inspection, lookAt, lookAtChosenFolder, lookAtThroughLink, walk } from '../../src/doctor/store-walk.js';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'tsstore-walk-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const fresh = (): Inspection => ({ entries: [], notLooked: [] });
const seen = (inspection: Inspection) => inspection.entries.map((entry) => [entry.path.slice(root.length) || '/', entry.kind, entry.linkTarget]);

describe('walk', () => {
  it('lists parents before children in name order, links as links, never followed', () => {
    mkdirSync(join(root, 'b'));
    writeFileSync(join(root, 'b', 'f'), '');
    writeFileSync(join(root, 'a'), '');
    symlinkSync('.', join(root, 'self'));
    symlinkSync('..', join(root, 'b', 'up'));
    symlinkSync('/etc/passwd', join(root, 'b', 'out'));
    const inspection = fresh();
    walk(root, inspection);
    expect(seen(inspection)).toEqual([
      ['/', 'directory', undefined],
      ['/a', 'file', undefined],
      ['/b', 'directory', undefined],
      ['/b/f', 'file', undefined],
      ['/b/out', 'symlink', '/etc/passwd'],
      ['/b/up', 'symlink', '..'],
      ['/self', 'symlink', '.'],
    ]);
    expect(inspection.notLooked).toEqual([]);
  });

  it('a root that is a link is an entry, not a way in', () => {
    mkdirSync(join(root, 'real'));
    writeFileSync(join(root, 'real', 'f'), '');
    symlinkSync(join(root, 'real'), join(root, 'pgp'));
    const inspection = fresh();
    walk(join(root, 'pgp'), inspection);
    expect(seen(inspection)).toEqual([['/pgp', 'symlink', join(root, 'real')]]);
  });

  it('stops at the depth limit and says where', () => {
    mkdirSync(join(root, '1', '2', '3'), { recursive: true });
    writeFileSync(join(root, '1', '2', 'f'), '');
    const inspection = fresh();
    walk(root, inspection, { maxDepth: 2, maxEntries: 100 });
    expect(seen(inspection).map(([path]) => path)).toEqual(['/', '/1', '/1/2']);
    expect(inspection.notLooked).toEqual([{ path: join(root, '1', '2'), why: 'not looked into: deeper than 2 folders, which tsstore never makes' }]);
  });

  it('stops at the entry limit and says where, without reading a large folder whole', () => {
    for (let index = 0; index < 50; index++) writeFileSync(join(root, `f${index}`), '');
    const inspection = fresh();
    walk(root, inspection, { maxDepth: 8, maxEntries: 5 });
    expect(inspection.entries).toHaveLength(5);
    expect(inspection.notLooked).toEqual([{ path: root, why: "doctor stopped after 5 entries in it; tsstore's own folders hold far fewer" }]);
    const exact = fresh();
    walk(root, exact, { maxDepth: 8, maxEntries: 51 });
    expect(exact.entries).toHaveLength(51);
    expect(exact.notLooked).toEqual([]);
  });

  it('a missing root is nothing to report', () => {
    const inspection = fresh();
    walk(join(root, 'none'), inspection);
    expect(inspection).toEqual(fresh());
  });
});

describe('single entries', () => {
  it('settings.json is not followed; config.json is followed once to the real file; a chosen folder is followed', () => {
    writeFileSync(join(root, 'real.json'), '{}');
    symlinkSync(join(root, 'real.json'), join(root, 'settings.json'));
    symlinkSync(join(root, 'real.json'), join(root, 'config.json'));
    symlinkSync(join(root, 'missing.json'), join(root, 'dangling.json'));
    mkdirSync(join(root, 'home'));
    symlinkSync(join(root, 'home'), join(root, 'home-link'));
    const inspection = fresh();
    lookAt(join(root, 'settings.json'), inspection);
    lookAtThroughLink(join(root, 'config.json'), inspection);
    lookAtThroughLink(join(root, 'dangling.json'), inspection);
    lookAtChosenFolder(join(root, 'home-link'), inspection);
    lookAtChosenFolder(join(root, 'nowhere'), inspection);
    expect(inspection.entries.map(({ path, kind, via, ownerOnly }) => ({ path, kind, via, ownerOnly }))).toEqual([
      { path: join(root, 'settings.json'), kind: 'symlink', via: undefined, ownerOnly: undefined },
      { path: join(root, 'real.json'), kind: 'file', via: join(root, 'config.json'), ownerOnly: undefined },
      { path: join(root, 'home-link'), kind: 'directory', via: undefined, ownerOnly: true },
    ]);
    expect(inspection.notLooked).toEqual([]);
  });

  it('config.json through a link that cannot be followed (a loop): said, not skipped', () => {
    symlinkSync(join(root, 'loop-b'), join(root, 'loop-a'));
    symlinkSync(join(root, 'loop-a'), join(root, 'loop-b'));
    symlinkSync(join(root, 'loop-a'), join(root, 'config.json'));
    const inspection = fresh();
    lookAtThroughLink(join(root, 'config.json'), inspection);
    expect(inspection.entries).toEqual([]);
    expect(inspection.notLooked).toEqual([{ path: join(root, 'config.json'), why: 'the link cannot be followed to the file docker writes (ELOOP)' }]);
  });
});
