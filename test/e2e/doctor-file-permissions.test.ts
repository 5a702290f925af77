/**
 * `doctor --fix file-permissions` on the built file, against a real pgp store in a temporary
 * TSSTORE_HOME with links and folders planted in it: nothing is chmodded through a link, a link cycle
 * ends the walk at once, and a folder someone else owns is reported and left alone.
 */
import { chmodSync, chownSync, lstatSync, mkdirSync, readdirSync, readlinkSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type HelperResult, type TemporaryHome, runHelper, temporaryHome } from '../support/helper-binary.js';
import type { DoctorReport as Report } from '../support/doctor-e2e.js';

function parse(result: HelperResult): Report['checks'][number] {
  try {
    const report = JSON.parse(result.stdout) as Report;
    expect(report.checks).toHaveLength(1);
    return report.checks[0] as Report['checks'][number];
  } catch (error) {
    throw new Error(`doctor printed no report (exit ${result.exitCode}): ${String(error)}\n${result.stdout}\n${result.stderr}`);
  }
}

const modeOf = (path: string) => statSync(path).mode & 0o7777;

describe('doctor file-permissions on a real store', () => {
  let home: TemporaryHome;
  let env: Record<string, string>;
  let store: string;
  let credentials: string;
  let credential: string;

  beforeEach(async () => {
    home = temporaryHome('tsstore-e2e-permissions-');
    env = { ...home.env, TSSTORE_BACKEND: 'pgp' };
    mkdirSync(env.DOCKER_CONFIG as string, { mode: 0o700 });
    writeFileSync(join(env.DOCKER_CONFIG as string, 'config.json'), '{\n\t"credsStore": "tsstore"\n}\n', { mode: 0o600 });
    const stored = await runHelper(['store'], { env, input: JSON.stringify({ ServerURL: 'registry.example:5000', Username: 'alice', Secret: 's3cret' }) });
    expect(stored.exitCode, stored.stdout + stored.stderr).toBe(0);
    store = join(env.TSSTORE_HOME as string, 'pgp');
    credentials = join(store, 'credentials');
    const names = readdirSync(credentials).filter((name) => name.endsWith('.asc'));
    expect(names).toHaveLength(1);
    credential = join(credentials, names[0] as string);
  });
  afterEach(() => home.cleanup());

  const doctor = (...args: string[]) => runHelper(['doctor', '--json', ...args, 'file-permissions'], { env, cwd: home.home });

  it('a link in credentials/ to a 0644 file outside the store: the file stays 0644, the link is reported with the command to remove it', async () => {
    const outside = join(home.home, 'outside.txt');
    writeFileSync(outside, 'not tsstore’s\n');
    chmodSync(outside, 0o644);
    const link = join(credentials, 'planted.asc');
    symlinkSync(outside, link);
    chmodSync(credential, 0o644); // a real problem next to the link: the fix still runs for it

    const look = await doctor();
    expect(look.exitCode).toBe(1);
    expect(parse(look)).toEqual({
      id: 'file-permissions',
      title: 'Credential files are private',
      status: 'problem',
      details: [
        `${link} is a symbolic link to ${outside}: tsstore writes no links, so doctor neither follows nor changes it; remove it unless you made it`,
        `${credential} is 0644, should be 0600`,
        `run: rm ${link}`,
      ],
    });

    const fixed = await doctor('--fix');
    expect(fixed.exitCode).toBe(1);
    expect(parse(fixed).details).toEqual([
      `chmod 0600 ${credential}`,
      `${link} is a symbolic link to ${outside}: tsstore writes no links, so doctor neither follows nor changes it; remove it unless you made it`,
      `run: rm ${link}`,
    ]);
    expect(modeOf(outside)).toBe(0o644);
    expect(modeOf(credential)).toBe(0o600);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
  });

  it('a self-link a -> . and a cycle loop -> .. end the walk at once, reported; folders too deep are reported, not walked', async () => {
    symlinkSync('.', join(store, 'a'));
    symlinkSync('..', join(credentials, 'loop'));
    let deep = join(store, 'nest');
    for (let level = 1; level <= 9; level++, deep = join(deep, 'nest')) mkdirSync(deep, { mode: 0o700 });

    const fixed = await doctor('--fix');
    expect(fixed.exitCode, fixed.stderr).toBe(1);
    const check = parse(fixed);
    expect(check.status).toBe('problem');
    const nested = (levels: number) => join(store, ...Array<string>(levels).fill('nest'));
    expect(check.details).toEqual([
      `${join(store, 'a')} is a symbolic link to . (${store}): tsstore writes no links, so doctor neither follows nor changes it; remove it unless you made it`,
      `${join(credentials, 'loop')} is a symbolic link to .. (${store}): tsstore writes no links, so doctor neither follows nor changes it; remove it unless you made it`,
      `${nested(8)}: not looked into: deeper than 8 folders, which tsstore never makes`,
      `run: rm ${join(store, 'a')}`,
      `run: rm ${join(credentials, 'loop')}`,
    ]);
    expect(fixed.stdout).not.toContain('/a/a');
  });

  it.skipIf(process.getuid?.() !== 0)('a folder owned by another uid is reported with the chown to run, and never chmodded', async () => {
    chmodSync(credentials, 0o755);
    chmodSync(credential, 0o644);
    chownSync(credentials, 12345, 12345);
    const me = 'root'; // uid 0's name in /etc/passwd

    const fixed = await doctor('--fix');
    expect(fixed.exitCode).toBe(1);
    expect(parse(fixed).details).toEqual([
      `${credentials} belongs to uid 12345, not to you (${me}): someone else made it or owns it, so doctor does not change it; take it back, or remove it`,
      `run: sudo chown -R ${me} ${credentials}`,
    ]);
    expect(modeOf(credentials)).toBe(0o755);
    expect(statSync(credentials).uid).toBe(12345);
    expect(modeOf(credential)).toBe(0o644);
  });

  it('config.json kept as a link by a dotfile manager: the real file is chmodded, the link stays, and doctor says so', async () => {
    const config = join(env.DOCKER_CONFIG as string, 'config.json');
    const real = join(home.home, 'dotfiles', 'docker-config.json');
    mkdirSync(join(home.home, 'dotfiles'));
    writeFileSync(real, '{\n\t"credsStore": "tsstore"\n}\n');
    chmodSync(real, 0o644);
    unlinkSync(config);
    symlinkSync(real, config);

    const via = `${config} is a symbolic link to ${real}; docker writes through it, so doctor checks ${real}`;
    const look = await doctor();
    expect(parse(look).details).toEqual([via, `${real} is 0644, should be 0600`]);
    const fixed = await doctor('--fix');
    expect(fixed.exitCode, fixed.stdout).toBe(0);
    expect(parse(fixed)).toMatchObject({ status: 'fixed', details: [`chmod 0600 ${real}`] });
    expect(modeOf(real)).toBe(0o600);
    expect(readlinkSync(config)).toBe(real);
    const ok = await doctor();
    expect(parse(ok)).toMatchObject({ status: 'ok', details: [via] });
  });
});
