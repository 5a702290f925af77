import { mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { realPathOr } from '../../src/fs/real-path.js';

let dir: string;
beforeEach(() => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), 'tsstore-real-path-')));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('realPathOr', () => {
  it('follows links to the file they name', () => {
    writeFileSync(join(dir, 'real.json'), '{}');
    symlinkSync(join(dir, 'real.json'), join(dir, 'link.json'));
    expect(realPathOr(join(dir, 'link.json'))).toBe(join(dir, 'real.json'));
  });

  it('answers the fallback, by default the path itself, when nothing is there or a link dangles', () => {
    symlinkSync(join(dir, 'nowhere'), join(dir, 'dangling'));
    expect(realPathOr(join(dir, 'dangling'))).toBe(join(dir, 'dangling'));
    expect(realPathOr(join(dir, 'missing'), 'fallback')).toBe('fallback');
  });
});
