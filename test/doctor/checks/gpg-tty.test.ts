import { chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { gnupgUses, gpgTty } from '../../../src/doctor/checks/gpg-tty.js';
import { runChecks } from '../../../src/doctor/runner.js';
import { EXPORT_COMMENT } from '../../../src/doctor/shell-profile.js';
import { snapshotTree } from '../../support/tree-snapshot.js';
import { cleanUpHomes, home } from './home-context.js';

const BASH_BLOCK = `${EXPORT_COMMENT}\nexport GPG_TTY=$(tty)\n`;
const FISH_BLOCK = `${EXPORT_COMMENT}\nset -gx GPG_TTY (tty)\n`;

afterEach(cleanUpHomes);

/** A pass user: docker uses docker-credential-pass, which runs gpg. */
const passUser = (shell: string | undefined, env: Record<string, string> = {}) => home({ config: { credsStore: 'pass' }, env: { SHELL: shell, ...env } });

describe('gnupgUses', () => {
  const none = { extraRecipients: 0, recipientsDir: '/t/pgp/recipients' };
  it('is empty when nothing uses GnuPG', () => {
    expect(gnupgUses(none)).toEqual([]);
    expect(gnupgUses({ ...none, credsStore: 'tsstore', credHelpers: { 'gcr.io': 'gcloud' } })).toEqual([]);
    expect(gnupgUses({ ...none, credsStore: 'passwordstore', credHelpers: ['pass'] })).toEqual([]);
  });
  it('names each reason', () => {
    expect(
      gnupgUses({
        credsStore: 'pass',
        credHelpers: { 'ghcr.io': 'pass', 'gcr.io': 'gcloud', 'quay.io': 'pass' },
        passHelperFolder: '/h/.password-store/docker-credential-helpers',
        extraRecipients: 2,
        recipientsDir: '/t/pgp/recipients',
      }),
    ).toEqual([
      'credsStore is "pass" (docker-credential-pass runs gpg)',
      'credHelpers use "pass" for ghcr.io, quay.io',
      'the pass store holds Docker logins (/h/.password-store/docker-credential-helpers)',
      'tsstore encrypts to 2 GnuPG key(s) in /t/pgp/recipients, which gpg decrypts',
    ]);
  });
});

describe('gpg-tty diagnose', () => {
  it('is skipped with a reason when GnuPG takes no part in Docker logins', async () => {
    const context = home({ config: { credsStore: 'tsstore' }, env: { SHELL: '/bin/bash' } });
    expect(await gpgTty.diagnose(context)).toEqual({
      status: 'skipped',
      details: ['GnuPG is not used for Docker logins here (no pass helper, no pass store with Docker logins, no GnuPG recipients in tsstore)'],
    });
  });

  it('finds a pass store with Docker logins (PASSWORD_STORE_DIR honoured) and GnuPG recipients in tsstore', async () => {
    const context = home({ env: { SHELL: '/bin/bash', PASSWORD_STORE_DIR: '' } });
    context.write('pass/docker-credential-helpers/aGVsbG8=/u.gpg', 'x');
    expect((await gpgTty.diagnose(context)).status).toBe('skipped');
    context.env.PASSWORD_STORE_DIR = context.path('pass');
    expect((await gpgTty.diagnose(context)).details[0]).toBe(`GnuPG is in use: the pass store holds Docker logins (${context.path('pass/docker-credential-helpers')})`);

    const recipients = home({ env: { SHELL: '/bin/bash' } });
    recipients.write('tsstore/pgp/recipients/.hidden.asc', 'x');
    recipients.write('tsstore/pgp/recipients/notes.txt', 'x');
    expect((await gpgTty.diagnose(recipients)).status).toBe('skipped');
    recipients.write('tsstore/pgp/recipients/ABCDEF.asc', 'x');
    expect((await gpgTty.diagnose(recipients)).details[0]).toBe(
      `GnuPG is in use: tsstore encrypts to 1 GnuPG key(s) in ${recipients.path('tsstore/pgp/recipients')}, which gpg decrypts`,
    );
  });

  it('reports a pass user whose bash does not export GPG_TTY, and writes nothing while diagnosing', async () => {
    const context = passUser('/bin/bash');
    context.write('.bashrc', 'alias ll="ls -l"\n# export GPG_TTY=$(tty)\n');
    const before = snapshotTree(context.home);
    const diagnosis = await gpgTty.diagnose(context);
    expect(diagnosis).toEqual({
      status: 'problem',
      details: [
        'GnuPG is in use: credsStore is "pass" (docker-credential-pass runs gpg)',
        `bash does not export GPG_TTY in ${context.path('.bashrc')}: gpg cannot ask for a passphrase and docker fails with "Inappropriate ioctl for device"`,
      ],
    });
    expect(snapshotTree(context.home)).toEqual(before);
  });

  it('is ok when the export is there, naming the file and line', async () => {
    const context = passUser('/usr/bin/zsh');
    context.write('.zshrc', 'setopt autocd\nexport GPG_TTY=$(tty)\n');
    expect(await gpgTty.diagnose(context)).toEqual({
      status: 'ok',
      details: ['GnuPG is in use: credsStore is "pass" (docker-credential-pass runs gpg)', `zsh exports GPG_TTY in ${context.path('.zshrc')} (line 2)`],
    });
  });

  it('counts an export in ~/.zshenv and in fish conf.d', async () => {
    const zsh = passUser('/bin/zsh');
    zsh.write('.zshenv', 'export GPG_TTY=$TTY\n');
    expect((await gpgTty.diagnose(zsh)).details[1]).toBe(`zsh exports GPG_TTY in ${zsh.path('.zshenv')} (line 1)`);

    const fish = passUser('/usr/bin/fish');
    fish.write('.config/fish/conf.d/gpg.fish', 'set -gx GPG_TTY (tty)\n');
    expect((await gpgTty.diagnose(fish)).details[1]).toBe(`fish exports GPG_TTY in ${fish.path('.config/fish/conf.d/gpg.fish')} (line 1)`);
  });

  it('does not count a login-only file: later terminals would get the first terminal’s tty', async () => {
    const context = passUser('/bin/bash');
    context.write('.profile', 'export GPG_TTY=$(tty)\n');
    context.write('.bash_profile', 'export GPG_TTY=$(tty)\n');
    expect((await gpgTty.diagnose(context)).status).toBe('problem');
  });

  it('warns about CRLF line ends in the file it would edit', async () => {
    const context = passUser('/bin/bash');
    context.write('.bashrc', 'alias a=b\r\nalias c=d\r\n');
    expect((await gpgTty.diagnose(context)).details[2]).toBe(
      `${context.path('.bashrc')} has Windows (CRLF) line ends, which bash on Linux misreads; consider: dos2unix ${context.path('.bashrc')}`,
    );
  });

  it('gives the line for a shell it does not edit, with no fix', async () => {
    const tcsh = passUser('/bin/tcsh');
    expect(await gpgTty.diagnose(tcsh)).toEqual({
      status: 'problem',
      fixable: false,
      details: [
        'GnuPG is in use: credsStore is "pass" (docker-credential-pass runs gpg)',
        "doctor does not edit tcsh's files (it knows bash, zsh and fish); add this line to ~/.tcshrc: setenv GPG_TTY `tty`",
        'then, in terminals that are already open, run: export GPG_TTY=$(tty); gpg-connect-agent updatestartuptty /bye',
      ],
    });
    const unset = passUser(undefined);
    expect((await gpgTty.diagnose(unset)).details[1]).toBe(
      'SHELL is not set, so doctor cannot tell which shell you use; add this line to the file your shell reads when it starts: export GPG_TTY=$(tty)',
    );
    const report = await runChecks([gpgTty], tcsh, { fix: true, only: [] });
    expect(report.checks[0]?.status).toBe('problem');
    expect(existsSync(tcsh.path('.tcshrc'))).toBe(false);
  });
});

describe('gpg-tty fix', () => {
  it('bash: appends the export once, keeping every byte and the mode; the runner reports fixed, a second run finds nothing to do', async () => {
    const context = passUser('/bin/bash');
    const original = '# ~/.bashrc\nalias ll="ls -l"\n#export GPG_TTY=$(tty)\nPS1="\\u@\\h "'; // no final newline
    context.write('.bashrc', original, 0o640);
    chmodSync(context.path('.bashrc'), 0o640);

    const report = await runChecks([gpgTty], context, { fix: true, only: [] });
    expect(report.checks[0]).toMatchObject({
      status: 'fixed',
      details: [
        `added "export GPG_TTY=$(tty)" to ${context.path('.bashrc')}`,
        'new terminals have it; in terminals that are already open, run: export GPG_TTY=$(tty); gpg-connect-agent updatestartuptty /bye',
      ],
    });
    expect(context.read('.bashrc')).toBe(`${original}\n${BASH_BLOCK}`);
    expect(statSync(context.path('.bashrc')).mode & 0o7777).toBe(0o640);

    const again = await runChecks([gpgTty], context, { fix: true, only: [] });
    expect(again.checks[0]?.status).toBe('ok');
    expect(context.read('.bashrc')).toBe(`${original}\n${BASH_BLOCK}`);
  });

  it('creates a missing ~/.bashrc with the export only', async () => {
    const context = passUser('/bin/bash');
    await runChecks([gpgTty], context, { fix: true, only: [] });
    expect(context.read('.bashrc')).toBe(BASH_BLOCK);
    expect(statSync(context.path('.bashrc')).mode & 0o777).toBe(0o644);
  });

  it('zsh with ZDOTDIR: writes $ZDOTDIR/.zshrc, never ~/.zshrc', async () => {
    const context = passUser('/bin/zsh');
    context.env.ZDOTDIR = context.path('.config/zsh');
    context.write('.config/zsh/.zshrc', 'bindkey -e\n');
    context.write('.zshrc', 'echo unused\n');
    await runChecks([gpgTty], context, { fix: true, only: [] });
    expect(context.read('.config/zsh/.zshrc')).toBe(`bindkey -e\n${BASH_BLOCK}`);
    expect(context.read('.zshrc')).toBe('echo unused\n');
    expect((await gpgTty.diagnose(context)).status).toBe('ok');
  });

  it('fish: creates ~/.config/fish/config.fish with fish syntax', async () => {
    const context = passUser('/usr/bin/fish');
    const report = await runChecks([gpgTty], context, { fix: true, only: [] });
    expect(report.checks[0]?.details).toEqual([
      `added "set -gx GPG_TTY (tty)" to ${context.path('.config/fish/config.fish')}`,
      'new terminals have it; in terminals that are already open, run: set -gx GPG_TTY (tty); gpg-connect-agent updatestartuptty /bye',
    ]);
    expect(context.read('.config/fish/config.fish')).toBe(FISH_BLOCK);
  });

  it('keeps CRLF line ends in a CRLF file', async () => {
    const context = passUser('/bin/bash');
    context.write('.bashrc', 'alias a=b\r\nalias c=d');
    await runChecks([gpgTty], context, { fix: true, only: [] });
    expect(context.read('.bashrc')).toBe(`alias a=b\r\nalias c=d\r\n${EXPORT_COMMENT}\r\nexport GPG_TTY=$(tty)\r\n`);
  });

  it('keeps bytes that are not UTF-8 (Latin-1 comments, a lone 0xFF) as they are, appending after them', async () => {
    const context = passUser('/bin/bash');
    // Latin-1 "café", a lone 0xFF, a broken UTF-8 sequence (0xC3 then ASCII), CRLF, no final line end.
    const original = Buffer.concat([Buffer.from('# caf'), Buffer.from([0xe9]), Buffer.from('\r\nalias x=y # '), Buffer.from([0xff, 0xc3]), Buffer.from('!\r\nPS1=$ ')]);
    writeFileSync(context.path('.bashrc'), original, { mode: 0o600 });
    await runChecks([gpgTty], context, { fix: true, only: [] });
    const after = readFileSync(context.path('.bashrc'));
    expect(after.subarray(0, original.length).toString('hex')).toBe(original.toString('hex'));
    expect(after.subarray(original.length).toString('latin1')).toBe(`\r\n${EXPORT_COMMENT}\r\nexport GPG_TTY=$(tty)\r\n`);
    expect((await gpgTty.diagnose(context)).details[1]).toBe(`bash exports GPG_TTY in ${context.path('.bashrc')} (line 5)`);
  });

  it('writes through a symlinked ~/.bashrc (dotfile managers): the link stays a link', async () => {
    const context = passUser('/bin/bash');
    mkdirSync(context.path('dotfiles'));
    writeFileSync(context.path('dotfiles/bashrc'), 'set -o vi\n', { mode: 0o600 });
    chmodSync(context.path('dotfiles/bashrc'), 0o600);
    symlinkSync(join('dotfiles', 'bashrc'), context.path('.bashrc'));
    await runChecks([gpgTty], context, { fix: true, only: [] });
    expect(lstatSync(context.path('.bashrc')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(context.path('.bashrc'))).toBe(join('dotfiles', 'bashrc'));
    expect(context.read('dotfiles/bashrc')).toBe(`set -o vi\n${BASH_BLOCK}`);
    expect(statSync(context.path('dotfiles/bashrc')).mode & 0o7777).toBe(0o600);
  });

  it('a dangling symlinked ~/.zshrc is created where it points, and stays a link', async () => {
    const context = passUser('/bin/zsh');
    symlinkSync(join('dotfiles', 'zshrc'), context.path('.zshrc'));
    await runChecks([gpgTty], context, { fix: true, only: [] });
    expect(lstatSync(context.path('.zshrc')).isSymbolicLink()).toBe(true);
    expect(context.read('dotfiles/zshrc')).toBe(BASH_BLOCK);
  });

  it('the fix itself does nothing when the export appeared meanwhile', async () => {
    const context = passUser('/bin/bash');
    const diagnosis = await gpgTty.diagnose(context);
    context.write('.bashrc', 'export GPG_TTY=$(tty)\n');
    expect(await gpgTty.fix?.(context, diagnosis)).toEqual([]);
    expect(context.read('.bashrc')).toBe('export GPG_TTY=$(tty)\n');
  });
});
