/**
 * Writing daemon.json: the whole edit (read, refuse what must not be rewritten, insert, replace), shared
 * by `doctor --fix daemon-json` and `add-insecure-registry` (the command doctor prints for sudo when the
 * file is not the person's to write). The file is replaced atomically, through a symbolic link to its
 * target, with its mode and owner kept; a new file is 0644, as dockerd's documentation makes it.
 */
import { W_OK } from 'node:constants';
import { accessSync, chownSync, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { TsstoreError, fileSystemError } from '../errors.js';
import { writeFileAtomic } from '../fs/private-files.js';
import { realPathOr } from '../fs/real-path.js';
import { describeDuplicateKeys } from '../json/duplicate-keys.js';
import { INSECURE_REGISTRIES_KEY, addInsecureRegistries, isInsecureRegistryEntry, misspelledKeys } from './daemon-json-edit.js';
import { type DaemonJsonFile, readDaemonJsonFile } from './daemon-json-file.js';

const NEW_FILE_MODE = 0o644;

/** Whether this process may replace the file (and its folder takes the rename) keeping its owner. */
export function daemonJsonWritable(path: string): { writable: true } | { writable: false; why: string } {
  const file = realPathOr(path);
  const uid = process.getuid?.() ?? 0;
  let folder = dirname(file);
  try {
    const stat = statSync(file);
    if (uid !== 0 && stat.uid !== uid) return { writable: false, why: `${file} belongs to uid ${stat.uid}` };
    accessSync(file, W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') return { writable: false, why: `${file}: ${code === 'EACCES' || code === 'EPERM' ? 'not writable for you' : code}` };
  }
  // A missing folder is created under the nearest one that exists.
  for (;;) {
    try {
      statSync(folder);
      break;
    } catch {
      if (folder === dirname(folder)) break;
      folder = dirname(folder);
    }
  }
  try {
    accessSync(folder, W_OK);
  } catch {
    return { writable: false, why: `the folder ${folder} is not writable for you` };
  }
  return { writable: true };
}

/** Why `file` must not be rewritten, or undefined when it may be. */
export function refusalToEdit(file: DaemonJsonFile): string | undefined {
  switch (file.kind) {
    case 'missing':
      // Writing would replace the link with a file; where it should point is the person's choice.
      return file.link === undefined ? undefined : `${file.path} is a symbolic link to ${file.link}, which does not exist: create that file by hand`;
    case 'parsed': {
      if (file.duplicates.length > 0) return describeDuplicateKeys(file.path, file.duplicates).replace(/docker merges them/, 'dockerd keeps only the last');
      // Adding the right key would leave the wrong one, and dockerd refusing the file.
      const misspelled = misspelledKeys(file.value);
      if (misspelled.length === 0) return undefined;
      const keys = misspelled.map(({ key }) => key);
      const renames = misspelled.map(({ key, meant }) => `${JSON.stringify(key)} to ${JSON.stringify(meant)}`).join(', ');
      return `dockerd refuses to start with ${file.path} ("the following directives don't match any configuration option: ${keys.join(', ')}"; it matches keys exactly): rename ${renames} by hand`;
    }
    case 'syntax':
      return `${file.path} is not valid JSON (line ${file.line}, column ${file.column}): fix it by hand first`;
    case 'not-object':
      return `${file.path} holds ${file.found}, not a JSON object: fix it by hand first`;
    case 'too-large':
      return `${file.path} is ${file.bytes} bytes, too large to be a daemon configuration`;
    case 'unreadable':
      return `cannot read ${file.path}: ${file.message}`;
  }
}

/** Adds `entries` to insecure-registries of the daemon.json at `path`; returns those it added. */
export function addToDaemonJson(path: string, entries: readonly string[]): string[] {
  const bad = entries.filter((entry) => !isInsecureRegistryEntry(entry));
  if (bad.length > 0) throw new TsstoreError('usage', `not a registry (host:port, an IP or a CIDR): ${bad.map((entry) => JSON.stringify(entry)).join(', ')}`);
  const file = readDaemonJsonFile(path);
  const refusal = refusalToEdit(file);
  if (refusal !== undefined) throw new TsstoreError('config', refusal);
  const edit =
    file.kind === 'parsed'
      ? addInsecureRegistries(file.text, entries)
      : { text: `{\n  "${INSECURE_REGISTRIES_KEY}": [${[...new Set(entries)].map((entry) => JSON.stringify(entry)).join(', ')}]\n}\n`, added: [...new Set(entries)] };
  if (edit.added.length === 0) return [];
  replaceKeepingOwner(realPathOr(path), edit.text);
  return edit.added;
}

function replaceKeepingOwner(file: string, text: string): void {
  let mode = NEW_FILE_MODE;
  let owner: { uid: number; gid: number } | undefined;
  try {
    const stat = statSync(file);
    mode = stat.mode & 0o7777;
    owner = { uid: stat.uid, gid: stat.gid };
  } catch {
    try {
      mkdirSync(dirname(file), { recursive: true, mode: 0o755 });
    } catch (error) {
      throw fileSystemError('create the folder', dirname(file), error);
    }
  }
  let chownFailed: unknown;
  const replaced = writeFileAtomic(file, text, {
    mode,
    accept: (temporary) => {
      if (owner === undefined) return true;
      try {
        chownSync(temporary, owner.uid, owner.gid);
        return true;
      } catch (error) {
        chownFailed = error;
        return false;
      }
    },
  });
  if (!replaced) throw fileSystemError('keep the owner of', file, chownFailed);
}
