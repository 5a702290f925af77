/**
 * GPG_TTY in a person's shell start-up files, as pure functions: which shell, which files it reads for
 * every interactive shell, whether one of them exports GPG_TTY, and the file's bytes with the export appended.
 *
 * GnuPG's manual asks for `export GPG_TTY=$(tty)` in the file *every* interactive shell reads: a login-only
 * file (~/.profile, ~/.bash_profile, ~/.zprofile) would give later terminals the first terminal's tty.
 */
import { basename, isAbsolute, join } from 'node:path';

export type ShellKind = 'bash' | 'zsh' | 'fish';

export type Shell = { kind: ShellKind; name: string } | { kind: 'unknown'; name: string };

/** `$SHELL` to the shell we know how to configure; anything else is `unknown` with its name. */
export function shellFromPath(shell: string | undefined): Shell {
  const name = shell === undefined || shell.trim() === '' ? '' : basename(shell.trim());
  // Versioned or wrapped names (bash5, zsh-5.9) are the same shell.
  const kind = /^bash([-.\d]*)$/.test(name) ? 'bash' : /^zsh([-.\d]*)$/.test(name) ? 'zsh' : /^fish([-.\d]*)$/.test(name) ? 'fish' : undefined;
  return kind ? { kind, name } : { kind: 'unknown', name };
}

export interface ShellEnvironment {
  home: string;
  zdotdir?: string | undefined;
  xdgConfigHome?: string | undefined;
}

export interface StartupFiles {
  /** Where the fix appends the export. */
  target: string;
  /** Every file read by each interactive shell, target included: an export in any of them counts. */
  read: string[];
}

/** The files each interactive shell of `kind` reads, and the one a fix writes to. */
export function startupFiles(kind: ShellKind, env: ShellEnvironment): StartupFiles {
  switch (kind) {
    case 'bash':
      return { target: join(env.home, '.bashrc'), read: [join(env.home, '.bashrc')] };
    case 'zsh': {
      // zsh reads ${ZDOTDIR:-$HOME}/.zshenv and .zshrc; ZDOTDIR is often set in ~/.zshenv itself.
      const dir = env.zdotdir && isAbsolute(env.zdotdir) ? env.zdotdir : env.home;
      const read = [join(env.home, '.zshenv'), join(dir, '.zshenv'), join(dir, '.zshrc')];
      return { target: join(dir, '.zshrc'), read: [...new Set(read)] };
    }
    case 'fish': {
      const config = env.xdgConfigHome && isAbsolute(env.xdgConfigHome) ? env.xdgConfigHome : join(env.home, '.config');
      return { target: join(config, 'fish', 'config.fish'), read: [join(config, 'fish', 'config.fish')] };
    }
  }
}

/** The fish folder whose *.fish files every fish reads, like config.fish. */
export function fishConfD(env: ShellEnvironment): string {
  const config = env.xdgConfigHome && isAbsolute(env.xdgConfigHome) ? env.xdgConfigHome : join(env.home, '.config');
  return join(config, 'fish', 'conf.d');
}

/** The line the fix writes. */
export function exportLine(kind: ShellKind): string {
  return kind === 'fish' ? 'set -gx GPG_TTY (tty)' : 'export GPG_TTY=$(tty)';
}

export const EXPORT_COMMENT = '# gpg asks for passphrases on this terminal (added by docker-credential-tsstore doctor)';

/** What to run in terminals that are already open (they read the file before it changed). */
export function refreshCommand(kind: ShellKind | 'unknown'): string {
  const set = kind === 'fish' ? 'set -gx GPG_TTY (tty)' : 'export GPG_TTY=$(tty)';
  return `${set}; gpg-connect-agent updatestartuptty /bye`;
}

/** The line for a shell we do not configure ourselves, and where it usually goes. */
export function manualInstruction(name: string): { line: string; file: string } {
  if (/^t?csh$/.test(name)) return { line: 'setenv GPG_TTY `tty`', file: name === 'tcsh' ? '~/.tcshrc' : '~/.cshrc' };
  if (/^(m?ksh|ksh93|oksh)$/.test(name)) return { line: 'export GPG_TTY=$(tty)', file: '~/.kshrc (the file $ENV names)' };
  if (name === 'nu') return { line: "$env.GPG_TTY = (tty | str trim)", file: 'config.nu (run: config nu)' };
  return { line: 'export GPG_TTY=$(tty)', file: 'the file your shell reads when it starts' };
}

/** The text before a comment: a `#` at the start or after white space starts one (good enough for rc files). */
function codeOf(line: string): string {
  const hash = line.search(/(^|\s)#/);
  return hash === -1 ? line : line.slice(0, hash);
}

// export GPG_TTY=..., export FOO GPG_TTY, declare -x / typeset -x GPG_TTY=...: all put it in the environment.
const POSIX_EXPORT = /(^|[\s;&|(])(export(\s+-(?![a-z]*n)[a-z]+)*|declare\s+-[a-zA-Z]*x[a-zA-Z]*|typeset\s+-[a-zA-Z]*x[a-zA-Z]*)\s+([^-;&|\s][^;&|]*\s)?GPG_TTY(=|\s|;|$)/;
// oh-my-zsh's gpg-agent plugin exports GPG_TTY=$TTY in every interactive shell.
const OMZ_PLUGIN = /(^|\s)plugins=\([^)]*\bgpg-agent\b/;
// set -gx / -x / -Ux / --export GPG_TTY ...; fish also has an `export NAME=VALUE` wrapper.
const FISH_EXPORT = /(^|[\s;(])set\s+((-[a-zA-Z]+|--[a-z-]+)\s+)*?((-[a-zA-Z]*x[a-zA-Z]*|--export)\s+)((-[a-zA-Z]+|--[a-z-]+)\s+)*GPG_TTY(\s|;|$)/;
const FISH_EXPORT_WRAPPER = /(^|[\s;(])export\s+GPG_TTY=/;

/** The 1-based line of an export of GPG_TTY that is not commented out, if any. */
export function findExport(text: string, kind: ShellKind): number | undefined {
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const code = codeOf((lines[index] ?? '').replace(/\r$/, ''));
    if (code.trim() === '') continue;
    const found =
      kind === 'fish'
        ? FISH_EXPORT.test(code) || FISH_EXPORT_WRAPPER.test(code)
        : POSIX_EXPORT.test(code) || (kind === 'zsh' && OMZ_PLUGIN.test(code));
    if (found) return index + 1;
  }
  return undefined;
}

/**
 * A start-up file's bytes as text, for finding an export only (never written back): bytes that are not
 * UTF-8 become U+FFFD, which no export pattern matches, and line numbers stay right because byte 0x0A
 * is always a line end, in UTF-8 and in every byte that is not.
 */
export function decodeForReading(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

const LF = 0x0a;
const CR = 0x0d;

/** The file's line ends, from its bytes: CRLF when most of its line ends are CRLF, else LF. */
export function lineEnding(bytes: Uint8Array): '\n' | '\r\n' {
  let all = 0;
  let crlf = 0;
  for (let index = 0; index < bytes.length; index++) {
    if (bytes[index] !== LF) continue;
    all++;
    if (index > 0 && bytes[index - 1] === CR) crlf++;
  }
  return all > 0 && crlf * 2 > all ? '\r\n' : '\n';
}

/**
 * The file with the export appended after every byte it had, unchanged (a person's file is never decoded
 * and encoded again): a missing final line end is added first (else the export would join the last
 * line), and the file's own line ends are used. The added lines are ASCII.
 */
export function appendExport(before: Uint8Array, kind: ShellKind): Buffer {
  const eol = lineEnding(before);
  const separator = before.length === 0 || before[before.length - 1] === LF ? '' : eol;
  return Buffer.concat([before, Buffer.from(`${separator}${EXPORT_COMMENT}${eol}${exportLine(kind)}${eol}`, 'ascii')]);
}
