/**
 * gpg-tty: where GnuPG handles Docker credentials, the person's interactive shell exports GPG_TTY, or
 * gpg cannot ask for a passphrase and docker fails with "Inappropriate ioctl for device".
 * Fix: append the export to the shell's start-up file, once, keeping every other byte and the file's mode.
 */
import { mkdirSync, readdirSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { type Environment, tsstorePaths, userHome } from '../../config/paths.js';
import { TsstoreError, fileSystemError } from '../../errors.js';
import { writeFileAtomic } from '../../fs/private-files.js';
import { readRegularBytes, readRegularFile } from '../../fs/read-regular-file.js';
import type { Check, Diagnosis } from '../check.js';
import type { DoctorContext } from '../context.js';
import {
  type ShellEnvironment,
  type ShellKind,
  appendExport,
  decodeForReading,
  exportLine,
  findExport,
  fishConfD,
  lineEnding,
  manualInstruction,
  refreshCommand,
  shellFromPath,
  startupFiles,
} from '../shell-profile.js';

export interface GnupgEvidence {
  credsStore?: unknown;
  credHelpers?: unknown;
  /** The pass store's docker-credential-helpers folder, when it exists. */
  passHelperFolder?: string | undefined;
  /** Public keys in tsstore's pgp/recipients/ (the store's own key is not one of them). */
  extraRecipients: number;
  recipientsDir: string;
}

/** Pure judgement: why GnuPG takes part in Docker logins here; empty when it does not. */
export function gnupgUses(evidence: GnupgEvidence): string[] {
  const reasons: string[] = [];
  if (evidence.credsStore === 'pass') reasons.push('credsStore is "pass" (docker-credential-pass runs gpg)');
  if (typeof evidence.credHelpers === 'object' && evidence.credHelpers !== null && !Array.isArray(evidence.credHelpers)) {
    const registries = Object.entries(evidence.credHelpers as Record<string, unknown>)
      .filter(([, helper]) => helper === 'pass')
      .map(([registry]) => registry);
    if (registries.length > 0) reasons.push(`credHelpers use "pass" for ${registries.join(', ')}`);
  }
  if (evidence.passHelperFolder !== undefined) reasons.push(`the pass store holds Docker logins (${evidence.passHelperFolder})`);
  if (evidence.extraRecipients > 0) {
    reasons.push(`tsstore encrypts to ${evidence.extraRecipients} GnuPG key(s) in ${evidence.recipientsDir}, which gpg decrypts`);
  }
  return reasons;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function gatherEvidence(context: DoctorContext): GnupgEvidence {
  const env = context.env;
  const read = context.readDockerConfig();
  const config = read.ok ? read.file.config : {};
  const passStore = env.PASSWORD_STORE_DIR || join(userHome(env), '.password-store');
  const helperFolder = join(passStore, 'docker-credential-helpers');
  const recipientsDir = join(tsstorePaths(env).pgpDir, 'recipients');
  let extraRecipients = 0;
  try {
    extraRecipients = readdirSync(recipientsDir).filter((name) => name.endsWith('.asc') && !name.startsWith('.')).length;
  } catch {
    // no pgp store, or no recipients folder: no extra recipients
  }
  return {
    credsStore: config.credsStore,
    credHelpers: config.credHelpers,
    passHelperFolder: isDirectory(helperFolder) ? helperFolder : undefined,
    extraRecipients,
    recipientsDir,
  };
}

function shellEnvironment(env: Environment): ShellEnvironment {
  return { home: userHome(env), zdotdir: env.ZDOTDIR, xdgConfigHome: env.XDG_CONFIG_HOME };
}

/** A shell start-up file is a few KiB; far more is not one a shell would read through (and not ours to load). */
const MAX_STARTUP_FILE_BYTES = 8 * 1024 * 1024;

/**
 * The bytes of a file, or undefined when it does not exist or cannot be read. Bounded and regular files
 * only: a FIFO named .bashrc would otherwise stop the doctor for ever at its open.
 */
function readBytes(path: string): Buffer | undefined {
  const outcome = readRegularFile(path, { maxBytes: MAX_STARTUP_FILE_BYTES });
  return outcome.kind === 'read' ? outcome.bytes : undefined;
}

/** Where the shell already exports GPG_TTY, as `FILE (line N)`. */
function existingExport(kind: ShellKind, env: ShellEnvironment): string | undefined {
  const files = [...startupFiles(kind, env).read];
  if (kind === 'fish') {
    const confD = fishConfD(env);
    try {
      files.push(...readdirSync(confD).filter((name) => name.endsWith('.fish')).sort().map((name) => join(confD, name)));
    } catch {
      // no conf.d
    }
  }
  for (const file of files) {
    const bytes = readBytes(file);
    const line = bytes === undefined ? undefined : findExport(decodeForReading(bytes), kind);
    if (line !== undefined) return `${file} (line ${line})`;
  }
  return undefined;
}

function danglingLinkTarget(path: string): string | undefined {
  try {
    return resolve(dirname(path), readlinkSync(path));
  } catch {
    return undefined;
  }
}

const SYMPTOM = 'gpg cannot ask for a passphrase and docker fails with "Inappropriate ioctl for device"';

export const gpgTty: Check = {
  id: 'gpg-tty',
  title: 'GnuPG can ask for passphrases (GPG_TTY)',
  async diagnose(context): Promise<Diagnosis> {
    const reasons = gnupgUses(gatherEvidence(context));
    if (reasons.length === 0) {
      return {
        status: 'skipped',
        details: ['GnuPG is not used for Docker logins here (no pass helper, no pass store with Docker logins, no GnuPG recipients in tsstore)'],
      };
    }
    const why = `GnuPG is in use: ${reasons.join('; ')}`;
    const shell = shellFromPath(context.env.SHELL);
    if (shell.kind === 'unknown') {
      const { line, file } = manualInstruction(shell.name);
      const which = shell.name === '' ? 'SHELL is not set, so doctor cannot tell which shell you use' : `doctor does not edit ${shell.name}'s files (it knows bash, zsh and fish)`;
      return {
        status: 'problem',
        fixable: false,
        details: [why, `${which}; add this line to ${file}: ${line}`, `then, in terminals that are already open, run: ${refreshCommand('unknown')}`],
      };
    }
    const env = shellEnvironment(context.env);
    const found = existingExport(shell.kind, env);
    if (found !== undefined) return { status: 'ok', details: [why, `${shell.kind} exports GPG_TTY in ${found}`] };
    const { target } = startupFiles(shell.kind, env);
    const details = [why, `${shell.kind} does not export GPG_TTY in ${target}: ${SYMPTOM}`];
    const bytes = readBytes(target);
    if (bytes !== undefined && lineEnding(bytes) === '\r\n') {
      details.push(`${target} has Windows (CRLF) line ends, which ${shell.kind} on Linux misreads; consider: dos2unix ${target}`);
    }
    return { status: 'problem', details };
  },
  async fix(context) {
    const shell = shellFromPath(context.env.SHELL);
    if (shell.kind === 'unknown') throw new TsstoreError('usage', 'doctor edits start-up files of bash, zsh and fish only');
    const env = shellEnvironment(context.env);
    if (existingExport(shell.kind, env) !== undefined) return [];
    const { target } = startupFiles(shell.kind, env);
    // Through a symlink (dotfile managers) to the real file, so the link stays a link.
    let path = target;
    // Bytes in, the same bytes plus the export out: never decoded, so nothing that is not UTF-8 is lost.
    let before: Uint8Array = new Uint8Array(0);
    let mode = 0o644;
    let existing: Buffer | undefined;
    try {
      path = realpathSync(target);
      // Bounded, regular files only: a FIFO or a huge file there is named as such, never waited on.
      existing = readRegularBytes(path, { maxBytes: MAX_STARTUP_FILE_BYTES });
      if (existing !== undefined) mode = statSync(path).mode & 0o7777;
    } catch (error) {
      if (error instanceof TsstoreError) throw error;
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw fileSystemError('read', target, error);
    }
    if (existing !== undefined) {
      before = existing;
    } else {
      // A dangling link (a dotfile repository not checked out yet) is created where it points.
      path = danglingLinkTarget(target) ?? target;
      try {
        mkdirSync(dirname(path), { recursive: true });
      } catch (cause) {
        throw fileSystemError('create the folder', dirname(path), cause);
      }
    }
    writeFileAtomic(path, appendExport(before, shell.kind), { mode });
    return [
      `added "${exportLine(shell.kind)}" to ${target}`,
      `new terminals have it; in terminals that are already open, run: ${refreshCommand(shell.kind)}`,
    ];
  },
};
