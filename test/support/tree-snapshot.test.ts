/** snapshotTree records a symbolic link by its target's text and never reads through it. */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { snapshotTree } from './tree-snapshot.js';

let base: string;
let root: string;
let outside: string;
beforeEach(() => {
  base = mkdtempSync(join(tmpdir(), 'tsstore-snapshot-'));
  root = join(base, 'root');
  outside = join(base, 'outside');
  mkdirSync(join(root, 'bin'), { recursive: true });
  mkdirSync(outside);
});
afterEach(() => rmSync(base, { recursive: true, force: true }));

describe('snapshotTree', () => {
  it('records files with mode and bytes, folders with mode, and links by their target, whatever they point at', () => {
    writeFileSync(join(root, 'config.json'), '{}');
    chmodSync(join(root, 'config.json'), 0o600);
    writeFileSync(join(outside, 'big-program'), 'program bytes');
    symlinkSync(join(outside, 'big-program'), join(root, 'bin', 'helper'));
    symlinkSync(outside, join(root, 'bin', 'a-folder'));
    symlinkSync(join(outside, 'gone'), join(root, 'bin', 'dangling'));
    symlinkSync('../config.json', join(root, 'bin', 'config-link'));
    expect(snapshotTree(root)).toEqual({
      'config.json': `600 ${Buffer.from('{}').toString('base64')}`,
      'bin/': expect.stringMatching(/^[0-7]+$/),
      'bin/helper': `link -> ${join(outside, 'big-program')}`,
      'bin/a-folder': `link -> ${outside}`,
      'bin/dangling': `link -> ${join(outside, 'gone')}`,
      'bin/config-link': 'link -> ../config.json',
    });
  });

  it('a link pointed elsewhere is a change; the bytes of a file outside the folder are not its business', () => {
    writeFileSync(join(outside, 'one'), 'one');
    writeFileSync(join(outside, 'two'), 'two');
    symlinkSync(join(outside, 'one'), join(root, 'bin', 'tool'));
    const before = snapshotTree(root);
    writeFileSync(join(outside, 'one'), 'changed');
    expect(snapshotTree(root)).toEqual(before);
    unlinkSync(join(root, 'bin', 'tool'));
    symlinkSync(join(outside, 'two'), join(root, 'bin', 'tool'));
    expect(snapshotTree(root)).not.toEqual(before);
  });
});
