/**
 * `doctor gpg-tty` on the built file for a real pass user (pass + GnuPG, docker-credential-pass holding a
 * login, `"credsStore": "pass"`): with zsh, with fish (only the file path matters; neither needs to be
 * installed) and with bash, whose interactive start-up is then run for real in a pseudo-terminal.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EXPORT_COMMENT } from '../../src/doctor/shell-profile.js';
import { type HelperResult, runHelper } from '../support/helper-binary.js';
import { haveAll } from '../support/real-components.js';
import { type ReferencePass, createReferencePass } from '../support/reference-pass.js';

const TITLE = 'GnuPG can ask for passphrases (GPG_TTY)';
const WHY = 'GnuPG is in use: credsStore is "pass" (docker-credential-pass runs gpg); the pass store holds Docker logins';

interface GpgTtyReport {
  ok: boolean;
  checks: Array<{ id: string; title: string; status: string; details: string[] }>;
}

function parse(result: HelperResult): GpgTtyReport {
  try {
    return JSON.parse(result.stdout) as GpgTtyReport;
  } catch {
    throw new Error(`doctor printed no JSON (exit ${result.exitCode}):\n${result.stdout}\n${result.stderr}`);
  }
}

describe.skipIf(!haveAll(['gpg', 'gpgconf', 'pass', 'docker-credential-pass']))('doctor gpg-tty for a pass user', () => {
  let pass: ReferencePass;
  let home: string;
  let env: Record<string, string>;

  beforeEach(async () => {
    pass = await createReferencePass();
    home = pass.gpgHome.home;
    // A real login in pass, through the reference helper: the docker-credential-helpers folder exists.
    const stored = await pass.run('store', JSON.stringify({ ServerURL: 'registry.example:5000', Username: 'alice', Secret: 'not-checked-here' }));
    expect(stored.exitCode, stored.stderr).toBe(0);
    mkdirSync(join(home, '.docker'), { mode: 0o700 });
    writeFileSync(join(home, '.docker', 'config.json'), '{\n\t"credsStore": "pass"\n}\n', { mode: 0o600 });
    env = { ...pass.env, DOCKER_CONFIG: join(home, '.docker'), TSSTORE_HOME: join(home, 'tsstore'), TMPDIR: process.env.TMPDIR ?? '/tmp' };
  });
  afterEach(async () => {
    await pass?.cleanup();
  });

  const doctor = (args: readonly string[], extra: Record<string, string>) => runHelper(['doctor', ...args], { env: { ...env, ...extra }, cwd: home });
  const why = () => `${WHY} (${join(home, '.password-store', 'docker-credential-helpers')})`;

  it('zsh: reports, --fix writes the export once keeping every other byte, a second --fix changes nothing, then ok', async () => {
    const shell = { SHELL: '/bin/zsh' };
    const zshrc = join(home, '.zshrc');
    const original = 'autoload -Uz compinit\ncompinit\n# export GPG_TTY=$(tty)\nalias d=docker'; // no final newline
    writeFileSync(zshrc, original, { mode: 0o600 });

    const before = await doctor(['--json', 'gpg-tty'], shell);
    expect(before.exitCode).toBe(1);
    expect(parse(before)).toEqual({
      ok: false,
      checks: [
        {
          id: 'gpg-tty',
          title: TITLE,
          status: 'problem',
          details: [why(), `zsh does not export GPG_TTY in ${zshrc}: gpg cannot ask for a passphrase and docker fails with "Inappropriate ioctl for device"`],
        },
      ],
    });
    expect(readFileSync(zshrc, 'utf8')).toBe(original);

    const fixed = await doctor(['--fix', '--json', 'gpg-tty'], shell);
    expect(fixed.exitCode, fixed.stdout + fixed.stderr).toBe(0);
    expect(parse(fixed).checks[0]).toEqual({
      id: 'gpg-tty',
      title: TITLE,
      status: 'fixed',
      details: [
        `added "export GPG_TTY=$(tty)" to ${zshrc}`,
        'new terminals have it; in terminals that are already open, run: export GPG_TTY=$(tty); gpg-connect-agent updatestartuptty /bye',
      ],
    });
    const after = `${original}\n${EXPORT_COMMENT}\nexport GPG_TTY=$(tty)\n`;
    expect(readFileSync(zshrc, 'utf8')).toBe(after);
    expect(statSync(zshrc).mode & 0o7777).toBe(0o600);

    const again = await doctor(['--fix', '--json', 'gpg-tty'], shell);
    expect(again.exitCode).toBe(0);
    expect(parse(again).checks[0]?.status).toBe('ok');
    expect(readFileSync(zshrc, 'utf8')).toBe(after);
    expect(readFileSync(zshrc, 'utf8').split('\n').filter((line) => line === 'export GPG_TTY=$(tty)')).toHaveLength(1);

    const ok = await doctor(['--json', 'gpg-tty'], shell);
    expect(ok.exitCode).toBe(0);
    expect(parse(ok).checks[0]).toEqual({ id: 'gpg-tty', title: TITLE, status: 'ok', details: [why(), `zsh exports GPG_TTY in ${zshrc} (line 6)`] });

    // In a full run too (creds-store still points at pass, which is another check's business).
    const all = await doctor(['--json'], shell);
    expect(parse(all).checks.find((check) => check.id === 'gpg-tty')?.status).toBe('ok');
  });

  it('zsh with ZDOTDIR: the export goes to $ZDOTDIR/.zshrc', async () => {
    const zdotdir = join(home, '.config', 'zsh');
    const extra = { SHELL: '/usr/bin/zsh', ZDOTDIR: zdotdir };
    const fixed = await doctor(['--fix', '--json', 'gpg-tty'], extra);
    expect(fixed.exitCode, fixed.stdout).toBe(0);
    expect(readFileSync(join(zdotdir, '.zshrc'), 'utf8')).toBe(`${EXPORT_COMMENT}\nexport GPG_TTY=$(tty)\n`);
    expect(existsSync(join(home, '.zshrc'))).toBe(false);
    expect(parse(await doctor(['--json', 'gpg-tty'], extra)).checks[0]?.status).toBe('ok');
  });

  it('fish: --fix creates ~/.config/fish/config.fish with set -gx, once', async () => {
    const shell = { SHELL: '/usr/bin/fish' };
    const config = join(home, '.config', 'fish', 'config.fish');
    expect(existsSync(config)).toBe(false);
    const fixed = await doctor(['--fix', '--json', 'gpg-tty'], shell);
    expect(fixed.exitCode, fixed.stdout).toBe(0);
    expect(parse(fixed).checks[0]?.details).toEqual([
      `added "set -gx GPG_TTY (tty)" to ${config}`,
      'new terminals have it; in terminals that are already open, run: set -gx GPG_TTY (tty); gpg-connect-agent updatestartuptty /bye',
    ]);
    const content = `${EXPORT_COMMENT}\nset -gx GPG_TTY (tty)\n`;
    expect(readFileSync(config, 'utf8')).toBe(content);

    const again = await doctor(['--fix', '--json', 'gpg-tty'], shell);
    expect(parse(again).checks[0]?.status).toBe('ok');
    expect(readFileSync(config, 'utf8')).toBe(content);
    const ok = await doctor(['--json', 'gpg-tty'], shell);
    expect(ok.exitCode).toBe(0);
    expect(parse(ok).checks[0]?.details).toEqual([why(), `fish exports GPG_TTY in ${config} (line 2)`]);
  });

  it.skipIf(!haveAll(['bash', 'script']))('bash: after --fix, a real interactive bash in a terminal has GPG_TTY set to its tty', async () => {
    const shell = { SHELL: '/bin/bash' };
    writeFileSync(join(home, '.bashrc'), 'HISTSIZE=1000\n');
    const interactive = async () => {
      // script(1) gives bash a pseudo-terminal, as a terminal emulator would.
      const result = await execa('script', ['-qec', "bash -ic 'printenv GPG_TTY'", '/dev/null'], {
        env: { HOME: home, PATH: process.env.PATH ?? '/usr/bin:/bin', TERM: 'dumb' },
        extendEnv: false,
        reject: false,
        input: '',
        cwd: home,
        timeout: 30_000,
      });
      return String(result.stdout).replace(/\r/g, '').trim();
    };
    expect(await interactive()).toBe('');
    const fixed = await doctor(['--fix', '--json', 'gpg-tty'], shell);
    expect(fixed.exitCode, fixed.stdout).toBe(0);
    expect(readFileSync(join(home, '.bashrc'), 'utf8')).toBe(`HISTSIZE=1000\n${EXPORT_COMMENT}\nexport GPG_TTY=$(tty)\n`);
    expect(await interactive()).toMatch(/^\/dev\/pts\/\d+$/);
  });

  it('bash: a ~/.bashrc that is not UTF-8 (Latin-1, a lone 0xFF, CRLF, no final line end) keeps every byte', async () => {
    const shell = { SHELL: '/bin/bash' };
    const bashrc = join(home, '.bashrc');
    const original = Buffer.concat([
      Buffer.from('# r'),
      Buffer.from([0xe9]), // Latin-1 é
      Buffer.from('glages\r\nalias ll="ls -l" # '),
      Buffer.from([0xff]), // never valid in UTF-8
      Buffer.from('\r\nPS1="\\u@\\h "'), // no final line end
    ]);
    writeFileSync(bashrc, original, { mode: 0o640 });
    chmodSync(bashrc, 0o640);

    const fixed = await doctor(['--fix', '--json', 'gpg-tty'], shell);
    expect(fixed.exitCode, fixed.stdout + fixed.stderr).toBe(0);
    expect(parse(fixed).checks[0]?.status).toBe('fixed');
    const after = readFileSync(bashrc);
    expect(after.subarray(0, original.length).toString('hex')).toBe(original.toString('hex'));
    expect(after.subarray(original.length).toString('latin1')).toBe(`\r\n${EXPORT_COMMENT}\r\nexport GPG_TTY=$(tty)\r\n`);
    expect(statSync(bashrc).mode & 0o7777).toBe(0o640);

    const ok = await doctor(['--json', 'gpg-tty'], shell);
    expect(parse(ok).checks[0]?.details[1]).toBe(`bash exports GPG_TTY in ${bashrc} (line 5)`);
  });

  it('an unknown shell gets the line to add and no fix; nothing is written', async () => {
    const result = await doctor(['--fix', '--json', 'gpg-tty'], { SHELL: '/bin/tcsh' });
    expect(result.exitCode).toBe(1);
    expect(parse(result).checks[0]).toEqual({
      id: 'gpg-tty',
      title: TITLE,
      status: 'problem',
      details: [
        why(),
        "doctor does not edit tcsh's files (it knows bash, zsh and fish); add this line to ~/.tcshrc: setenv GPG_TTY `tty`",
        'then, in terminals that are already open, run: export GPG_TTY=$(tty); gpg-connect-agent updatestartuptty /bye',
      ],
    });
    for (const file of ['.tcshrc', '.cshrc', '.bashrc', '.zshrc']) expect(existsSync(join(home, file))).toBe(false);
  });
  it('bash: a FIFO named ~/.bashrc is never waited on: the look reports, --fix names it and leaves it a FIFO', async () => {
    const shell = { SHELL: '/bin/bash' };
    const bashrc = join(home, '.bashrc');
    execFileSync('mkfifo', ['-m', '600', bashrc]);
    // runHelper's spawn has a bound (60 s): before, the open of the FIFO waited for a writer for ever.
    const looked = await doctor(['--json', 'gpg-tty'], shell);
    expect(looked.exitCode, looked.stdout + looked.stderr).toBe(1);
    expect(parse(looked).checks[0]?.status).toBe('problem');
    const fixed = await doctor(['--fix', '--json', 'gpg-tty'], shell);
    expect(fixed.exitCode, fixed.stdout + fixed.stderr).toBe(1);
    const details = parse(fixed).checks[0]?.details.join('\n') ?? '';
    expect(details).toContain(`the fix failed: cannot read ${bashrc}: it is a FIFO (named pipe), not a regular file`);
    expect(lstatSync(bashrc).isFIFO()).toBe(true);
  });
});
