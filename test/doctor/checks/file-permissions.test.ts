/** file-permissions: the pure judgement of what the walk saw, and the fix on a real temporary store. */
import { chmodSync, mkdirSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type CurrentUser, filePermissions, judgePermissions, passwdName } from '../../../src/doctor/checks/file-permissions.js';
import { runChecks } from '../../../src/doctor/runner.js';
import type { FileEntry, Inspection } from '../../../src/doctor/store-walk.js';
import { cleanUpHomes, home } from './home-context.js';

afterEach(cleanUpHomes);

const me = { uid: 1000, name: 'alice' };
let inode = 1;
const entry = (path: string, kind: FileEntry['kind'], mode: number, extra: Partial<FileEntry> = {}): FileEntry => ({ path, kind, mode, uid: 1000, dev: 1, ino: inode++, ...extra });
const judge = (entries: FileEntry[], notLooked: Inspection['notLooked'] = [], user: CurrentUser = me) => judgePermissions({ entries, notLooked }, user);

describe('judgePermissions', () => {
  it('private files and folders of ours are fine; sockets are not judged by mode', () => {
    expect(judge([entry('/s', 'directory', 0o700, { ownerOnly: true }), entry('/s/pgp', 'directory', 0o700), entry('/s/pgp/k', 'file', 0o600), entry('/s/pgp/agent/agent.sock', 'socket', 0o755)])).toEqual({
      problem: false,
      details: [],
      commands: [],
      chmods: [],
    });
  });

  it('files and folders open to others get chmods; a chosen folder only has its owner judged', () => {
    const judgement = judge([entry('/s', 'directory', 0o755, { ownerOnly: true }), entry('/s/pgp', 'directory', 0o755), entry('/s/pgp/k', 'file', 0o640)]);
    expect(judgement.problem).toBe(true);
    expect(judgement.details).toEqual(['/s/pgp is 0755, should be 0700', '/s/pgp/k is 0640, should be 0600']);
    expect(judgement.chmods.map((chmod) => [chmod.path, chmod.wanted])).toEqual([
      ['/s/pgp', 0o700],
      ['/s/pgp/k', 0o600],
    ]);
  });

  it('a link is reported with where it points and the rm to run, never chmodded, whatever its mode', () => {
    const judgement = judge([entry('/s/pgp/credentials/x.asc', 'symlink', 0o777, { linkTarget: '/etc/shadow' }), entry("/s/pgp/it's", 'symlink', 0o777, { linkTarget: '.' })]);
    expect(judgement).toEqual({
      problem: true,
      details: [
        '/s/pgp/credentials/x.asc is a symbolic link to /etc/shadow: tsstore writes no links, so doctor neither follows nor changes it; remove it unless you made it',
        "/s/pgp/it's is a symbolic link to . (/s/pgp): tsstore writes no links, so doctor neither follows nor changes it; remove it unless you made it",
      ],
      commands: ['rm /s/pgp/credentials/x.asc', `rm '/s/pgp/it'\\''s'`],
      chmods: [],
    });
  });

  it('pipes and devices are reported for removal', () => {
    expect(judge([entry('/s/pgp/fifo', 'other', 0o644)])).toMatchObject({
      problem: true,
      details: ['/s/pgp/fifo is neither a file nor a folder (a pipe or a device), which tsstore never makes; remove it unless you made it'],
      commands: ['rm /s/pgp/fifo'],
      chmods: [],
    });
  });

  it('something another uid owns is reported with the chown to run and never chmodded; what is inside a folder of theirs is theirs too', () => {
    const judgement = judge([
      entry('/s', 'directory', 0o777, { ownerOnly: true, uid: 0 }),
      entry('/s/pgp', 'directory', 0o755, { uid: 12345 }),
      entry('/s/pgp/k', 'file', 0o644, { uid: 1000 }),
      entry('/s/pgp/l', 'symlink', 0o777, { linkTarget: '/x' }),
      entry('/s/pgp-other', 'file', 0o644, { uid: 12345 }),
      entry('/s/settings.json', 'file', 0o600),
    ]);
    expect(judgement).toEqual({
      problem: true,
      details: [
        '/s belongs to uid 0, not to you (alice): someone else made it or owns it, so doctor does not change it; take it back, or remove it',
      ],
      commands: ['sudo chown -R alice /s'],
      chmods: [],
    });
    const inner = judge([entry('/s/pgp', 'directory', 0o755, { uid: 12345 }), entry('/s/pgp/k', 'file', 0o644), entry('/s/pgp-other', 'file', 0o644, { uid: 12345 }), entry('/s/pgp-mine', 'file', 0o644)]);
    expect(inner.details).toEqual([
      '/s/pgp belongs to uid 12345, not to you (alice): someone else made it or owns it, so doctor does not change it; take it back, or remove it',
      '/s/pgp-other belongs to uid 12345, not to you (alice): someone else made it or owns it, so doctor does not change it; take it back, or remove it',
      '/s/pgp-mine is 0644, should be 0600',
    ]);
    expect(inner.commands).toEqual(['sudo chown -R alice /s/pgp', 'sudo chown alice /s/pgp-other']);
    expect(inner.chmods.map((chmod) => chmod.path)).toEqual(['/s/pgp-mine']);
  });

  it('owners are not judged where there are no uids', () => {
    expect(judge([entry('/s/k', 'file', 0o600, { uid: 0 })], [], { uid: undefined, name: '' }).problem).toBe(false);
  });

  it('config.json through a link: says so, and judges the real file', () => {
    const via = entry('/dot/docker.json', 'file', 0o644, { via: '/h/.docker/config.json' });
    const judgement = judge([via]);
    expect(judgement.details).toEqual([
      '/h/.docker/config.json is a symbolic link to /dot/docker.json; docker writes through it, so doctor checks /dot/docker.json',
      '/dot/docker.json is 0644, should be 0600',
    ]);
    expect(judgement.chmods.map((chmod) => chmod.path)).toEqual(['/dot/docker.json']);
    expect(judge([{ ...via, mode: 0o600 }])).toMatchObject({ problem: false, details: [judgement.details[0]] });
  });

  it('where the walk stopped is a problem: doctor cannot say the rest is private', () => {
    expect(judge([], [{ path: '/s/pgp', why: 'doctor stopped after 100000 entries in it' }])).toEqual({
      problem: true,
      details: ['/s/pgp: doctor stopped after 100000 entries in it'],
      commands: [],
      chmods: [],
    });
  });
});

describe('passwdName', () => {
  it('finds the name of a uid, or nothing', () => {
    const passwd = 'root:x:0:0:root:/root:/bin/bash\n#comment\nalice:x:1000:1000::/home/alice:/bin/sh\n';
    expect(passwdName(passwd, 0)).toBe('root');
    expect(passwdName(passwd, 1000)).toBe('alice');
    expect(passwdName(passwd, 100)).toBeUndefined();
    expect(passwdName('', 0)).toBeUndefined();
  });
});

describe('file-permissions on a real temporary store', () => {
  const modeOf = (path: string) => statSync(path).mode & 0o777;

  it('a file swapped for a link between diagnose and fix: the fix looks again and never chmods through it', async () => {
    const context = home({ config: { credsStore: 'tsstore' } });
    const file = context.write('tsstore/pgp/credentials/x.asc', 'x', 0o644);
    chmodSync(file, 0o644);
    for (const folder of ['tsstore', 'tsstore/pgp', 'tsstore/pgp/credentials']) chmodSync(context.path(folder), 0o700);
    chmodSync(context.path('.docker/config.json'), 0o600);
    const outside = context.write('outside', 'not ours', 0o644);
    chmodSync(outside, 0o644);
    const diagnosis = await filePermissions.diagnose(context);
    expect(diagnosis.details).toContain(`${file} is 0644, should be 0600`);

    unlinkSync(file);
    symlinkSync(outside, file);
    expect(await filePermissions.fix?.(context, diagnosis)).toEqual([]);
    expect(modeOf(outside)).toBe(0o644);
  });

  it('chmods folders before files, and the runner reports fixed', async () => {
    const context = home({ config: { credsStore: 'tsstore' } });
    chmodSync(context.path('.docker/config.json'), 0o644);
    mkdirSync(context.path('tsstore/pgp/credentials'), { recursive: true, mode: 0o755 });
    chmodSync(context.path('tsstore/pgp'), 0o755);
    chmodSync(context.path('tsstore/pgp/credentials'), 0o755);
    writeFileSync(context.path('tsstore/pgp/credentials/x.asc'), 'x', { mode: 0o644 });
    chmodSync(context.path('tsstore/pgp/credentials/x.asc'), 0o644);
    const report = await runChecks([filePermissions], context, { fix: true, only: [] });
    expect(report.checks[0]).toMatchObject({
      status: 'fixed',
      details: [
        `chmod 0700 ${context.path('tsstore/pgp')}`,
        `chmod 0700 ${context.path('tsstore/pgp/credentials')}`,
        `chmod 0600 ${context.path('.docker/config.json')}`,
        `chmod 0600 ${context.path('tsstore/pgp/credentials/x.asc')}`,
      ],
    });
    expect(modeOf(join(context.home, 'tsstore/pgp/credentials/x.asc'))).toBe(0o600);
  });
});
