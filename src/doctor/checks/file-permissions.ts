/**
 * file-permissions: config.json and tsstore's files are readable by their owner only, belong to the
 * person running doctor, and tsstore's folders hold no symbolic links. Fix: chmod, never through a link.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { type Environment, tsstorePaths } from '../../config/paths.js';
import { dockerConfigPath } from '../../docker/config-file.js';
import { chmodNoFollow } from '../../fs/chmod-no-follow.js';
import type { Check, Diagnosis } from '../check.js';
import { onlyOwnerMayAccess } from '../../fs/owner-only.js';
import { shellQuote } from '../../text/shell-quote.js';
import { type FileEntry, type Inspection, lookAt, lookAtChosenFolder, lookAtThroughLink, walk } from '../store-walk.js';

export interface FileMode {
  path: string;
  mode: number;
  directory: boolean;
}

/** Pure judgement: which of these are open to group or others, and the mode they should have. */
export function tooOpen<T extends FileMode>(files: readonly T[]): Array<T & { wanted: number }> {
  return files.filter((file) => !onlyOwnerMayAccess(file.mode)).map((file) => ({ ...file, wanted: file.directory ? 0o700 : 0o600 }));
}

export interface CurrentUser {
  /** undefined where there are no uids (Windows): owners are not judged. */
  uid: number | undefined;
  name: string;
}

export type Chmod = FileEntry & { directory: boolean; wanted: number };

export interface PermissionsJudgement {
  problem: boolean;
  details: string[];
  commands: string[];
  /** What the fix may chmod: real files and folders of ours, under no folder someone else owns. */
  chmods: Chmod[];
}

const octal = (mode: number) => mode.toString(8).padStart(4, '0');
const isUnder = (path: string, folder: string) => path.startsWith(folder.endsWith('/') ? folder : `${folder}/`);

/** Where a link points, as written and, when relative, as a full path. */
function pointsTo(link: FileEntry): string {
  const target = link.linkTarget ?? '?';
  return isAbsolute(target) ? target : `${target} (${resolve(dirname(link.path), target)})`;
}

/** Pure judgement of what the walk saw. */
export function judgePermissions(inspection: Inspection, me: CurrentUser): PermissionsJudgement {
  const details: string[] = [];
  const commands: string[] = [];
  const candidates: Array<FileEntry & { directory: boolean }> = [];
  let problem = false;
  const foreign = inspection.entries.filter((entry) => me.uid !== undefined && entry.uid !== me.uid);
  // Whoever owns a folder decides what is in it: its contents are theirs to fix (chown -R covers them).
  const foreignFolders = foreign.filter((entry) => entry.kind === 'directory').map((entry) => entry.path);
  for (const entry of inspection.entries) {
    if (foreignFolders.some((folder) => isUnder(entry.path, folder))) continue;
    if (entry.via !== undefined) details.push(`${entry.via} is a symbolic link to ${entry.path}; docker writes through it, so doctor checks ${entry.path}`);
    if (foreign.includes(entry)) {
      problem = true;
      details.push(`${entry.path} belongs to uid ${entry.uid}, not to you (${me.name}): someone else made it or owns it, so doctor does not change it; take it back, or remove it`);
      commands.push(`sudo chown ${entry.kind === 'directory' ? '-R ' : ''}${shellQuote(me.name)} ${shellQuote(entry.path)}`);
      continue;
    }
    if (entry.ownerOnly) continue;
    if (entry.kind === 'symlink') {
      problem = true;
      details.push(`${entry.path} is a symbolic link to ${pointsTo(entry)}: tsstore writes no links, so doctor neither follows nor changes it; remove it unless you made it`);
      commands.push(`rm ${shellQuote(entry.path)}`);
    } else if (entry.kind === 'other') {
      problem = true;
      details.push(`${entry.path} is neither a file nor a folder (a pipe or a device), which tsstore never makes; remove it unless you made it`);
      commands.push(`rm ${shellQuote(entry.path)}`);
    } else if (entry.kind === 'file' || entry.kind === 'directory') {
      // Sockets are left out: the agent's lives in a 0700 folder of ours, which is what keeps others out.
      candidates.push({ ...entry, directory: entry.kind === 'directory' });
    }
  }
  const chmods: Chmod[] = tooOpen(candidates);
  for (const file of chmods) details.push(`${file.path} is ${octal(file.mode)}, should be ${octal(file.wanted)}`);
  for (const stop of inspection.notLooked) details.push(`${stop.path}: ${stop.why}`);
  problem ||= chmods.length > 0 || inspection.notLooked.length > 0;
  return { problem, details, commands, chmods };
}

function inspect(env: Environment): Inspection {
  const paths = tsstorePaths(env);
  const inspection: Inspection = { entries: [], notLooked: [] };
  lookAtThroughLink(dockerConfigPath(env), inspection);
  for (const folder of new Set([paths.configDir, paths.dataDir])) lookAtChosenFolder(folder, inspection);
  lookAt(paths.settingsFile, inspection);
  walk(paths.pgpDir, inspection);
  walk(join(paths.dataDir, 'backups'), inspection);
  return inspection;
}

/** Pure: the name /etc/passwd gives `uid`, if any. */
export function passwdName(passwd: string, uid: number): string | undefined {
  for (const line of passwd.split('\n')) {
    const [name, , id] = line.split(':');
    if (name && id === String(uid)) return name;
  }
  return undefined;
}

function currentUser(): CurrentUser {
  const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
  if (uid === undefined) return { uid, name: '' };
  // Not os.userInfo(): under bun it answers $USER, or "unknown". A uid with no passwd line (a container's
  // arbitrary uid, a directory service) goes into chown as the number, which chown takes too.
  let passwd = '';
  try {
    passwd = readFileSync('/etc/passwd', 'utf8');
  } catch {
    // no /etc/passwd: the number
  }
  return { uid, name: passwdName(passwd, uid) ?? String(uid) };
}

function changeMode(file: Chmod): string {
  const outcome = chmodNoFollow(file.path, file.wanted, file);
  return outcome.changed ? `chmod ${octal(file.wanted)} ${file.path}` : `left ${file.path} as it is: ${outcome.reason}`;
}

export const filePermissions: Check = {
  id: 'file-permissions',
  title: 'Credential files are private',
  async diagnose(context): Promise<Diagnosis> {
    const judgement = judgePermissions(inspect(context.env), currentUser());
    if (!judgement.problem) return { status: 'ok', details: judgement.details };
    return {
      status: 'problem',
      details: judgement.details,
      ...(judgement.commands.length > 0 ? { commands: judgement.commands } : {}),
      ...(judgement.chmods.length === 0 ? { fixable: false } : {}),
    };
  },
  async fix(context) {
    const me = currentUser();
    const done: string[] = [];
    // Folders first, then a fresh look for files: once tsstore's folders are ours and 0700, nobody else
    // can swap an entry for a link between that look and the chmod (which re-checks it anyway).
    for (const directory of [true, false]) {
      const { chmods } = judgePermissions(inspect(context.env), me);
      for (const file of chmods.filter((candidate) => candidate.directory === directory)) done.push(changeMode(file));
    }
    return done;
  },
};
