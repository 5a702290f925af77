/**
 * doctor --fix config-json on the built file: a config.json that starts with a byte-order mark (docker
 * cannot parse it and ignores every setting in it) loses those three bytes and nothing else, through a
 * symlink (the link stays, the file it points at is replaced, 0600), after an encrypted backup of the old
 * text that `gpg --decrypt` reads back.
 */
import { lstatSync, mkdirSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type TemporaryHome, runHelper, temporaryHome } from '../support/helper-binary.js';
import { haveAll } from '../support/real-components.js';

let home: TemporaryHome;
beforeEach(() => {
  home = temporaryHome('tsstore-e2e-config-json-');
});
afterEach(() => home.cleanup());

describe.skipIf(!haveAll(['gpg']))('doctor --fix config-json', () => {
  it('removes the byte-order mark through a symlink, keeping every other byte, after a backup', async () => {
    const env: Record<string, string> = { ...home.env, TSSTORE_BACKEND: 'pgp' };
    const dotfiles = join(home.home, 'dotfiles');
    mkdirSync(dotfiles);
    mkdirSync(env.DOCKER_CONFIG as string);
    const real = join(dotfiles, 'docker-config.json');
    const link = join(env.DOCKER_CONFIG as string, 'config.json');
    const body = '{\r\n  "credsStore": "tsstore",\r\n  "x-tool": {"keep": [1, 2.50]}\r\n}\r\n';
    writeFileSync(real, `\ufeff${body}`, { mode: 0o644 });
    symlinkSync(real, link);

    const result = await runHelper(['doctor', '--fix', 'config-json'], { env });
    expect(result.stdout).toContain(`removed the byte-order mark from ${link}`);
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(real, 'utf8')).toBe(body);
    expect(statSync(real).mode & 0o777).toBe(0o600);

    const backups = join(home.env.TSSTORE_HOME as string, 'backups');
    const names = readdirSync(backups);
    expect(names).toEqual([expect.stringMatching(/^config\.json\.[0-9T-]+Z\.asc$/)]);
    const gnupg = join(home.home, 'gnupg');
    mkdirSync(gnupg, { mode: 0o700 });
    const gpg = (args: string[]) => execa('gpg', ['--homedir', gnupg, '--batch', '--quiet', ...args], { env: { ...env, GNUPGHOME: gnupg } });
    await gpg(['--import', join(home.env.TSSTORE_HOME as string, 'pgp', 'private-key.asc')]);
    const decrypted = await gpg(['--decrypt', join(backups, names[0] as string)]);
    expect(decrypted.stdout).toBe(`\ufeff${body}`.trimEnd());
  });
});
