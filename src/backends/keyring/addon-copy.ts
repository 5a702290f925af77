/**
 * Where the single file's keyring addon is loaded from. Left to itself, bun writes an embedded .node
 * file into the TMPDIR it read at start-up (process.env changes later do not reach it) under a name
 * anyone can compute, `.bun-0-<hash>.node`, and keeps it there for the next run. In a shared /tmp
 * another user can plant a file of that name first: bun refuses it (not ours), fails to rename its
 * own copy over it (sticky folder), and loads a randomly named copy that it never deletes, 3 MB more
 * in /tmp at every load. bun reaches the addon through process.dlopen with a path inside the
 * executable (/$bunfs/...); for the time of the load, tsstore answers that call itself: it copies the
 * addon into a new folder of its own (mkdtemp: 0700 and a name nobody can guess, then checked with
 * lstat), dlopens the copy, and removes the file and the folder at once. A loaded library stays mapped
 * after its file is unlinked (Linux, macOS, the BSDs). Windows cannot delete a loaded DLL, so there
 * bun keeps doing it its way.
 */
import { basename, join } from 'node:path';
import { chmodSync, lstatSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { TsstoreError } from '../../errors.js';
import { temporaryFolderError, writeProblem } from './messages.js';

/** A path inside a bun executable's embedded file system (POSIX and Windows spellings). */
export function isEmbeddedPath(filename: string): boolean {
  return filename.startsWith('/$bunfs/') || /^[A-Za-z]:[\\/]~BUN[\\/]/.test(filename);
}

/** Why `folder` (just made by mkdtemp) is not a private folder of ours, or undefined when it is. */
export function privateFolderProblem(stats: { isSymbolicLink(): boolean; isDirectory(): boolean; uid: number }, uid: number | undefined): string | undefined {
  if (stats.isSymbolicLink() || !stats.isDirectory()) return 'a folder made there is not a folder';
  if (uid !== undefined && stats.uid !== uid) return `a folder made there belongs to uid ${stats.uid}`;
  return undefined;
}

type Dlopen = (module: object, filename: string, flags?: number) => void;

/**
 * Runs `load` (the import of the addon's package) with embedded addons dlopened from a private copy
 * under `base`. `folderProblem(base)` says what is wrong with `base` when no folder can be made there.
 */
export async function loadFromPrivateCopy<T>(load: () => Promise<T>, base: string, folderProblem: (folder: string) => string | undefined): Promise<T> {
  if (process.platform === 'win32') return load();
  // Put back exactly as it was afterwards, and always called with process as `this`.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const original: Dlopen = process.dlopen;
  // napi-rs catches what dlopen throws and reports "npm has a bug": keep ours to throw instead.
  let failure: TsstoreError | undefined;
  const dlopen: Dlopen = (module, filename, flags) => {
    if (typeof filename !== 'string' || !isEmbeddedPath(filename)) return original.call(process, module, filename, flags);
    const bytes = readFileSync(filename);
    let folder: string;
    try {
      folder = makePrivateFolder(base, folderProblem);
    } catch (error) {
      failure = error instanceof TsstoreError ? error : temporaryFolderError(base, writeProblem(error));
      throw failure;
    }
    try {
      const file = join(folder, basename(filename));
      try {
        writeFileSync(file, bytes, { mode: 0o600, flag: 'wx' });
      } catch (error) {
        failure = temporaryFolderError(base, writeProblem(error));
        throw failure;
      }
      return original.call(process, module, file, flags);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  };
  process.dlopen = dlopen;
  try {
    return await load();
  } catch (error) {
    throw failure ?? error;
  } finally {
    process.dlopen = original;
  }
}

function makePrivateFolder(base: string, folderProblem: (folder: string) => string | undefined): string {
  let folder: string;
  try {
    folder = mkdtempSync(join(base, 'tsstore-addon-'));
  } catch (error) {
    throw temporaryFolderError(base, folderProblem(base) ?? writeProblem(error));
  }
  let stats;
  try {
    stats = lstatSync(folder);
  } catch (error) {
    throw temporaryFolderError(base, `a folder made there cannot be looked at (${(error as NodeJS.ErrnoException).code ?? 'unknown error'})`);
  }
  const problem = privateFolderProblem(stats, process.getuid?.());
  if (problem) throw temporaryFolderError(base, problem); // left alone: it is not ours to remove
  try {
    // mkdtemp's 0700 less the umask: a umask that takes the owner's own write right would stop the copy.
    chmodSync(folder, 0o700);
  } catch (error) {
    // Ours (just checked): never left behind in the temporary folder.
    rmSync(folder, { recursive: true, force: true });
    throw temporaryFolderError(base, `a folder made there cannot be made private (${(error as NodeJS.ErrnoException).code ?? 'unknown error'})`);
  }
  return folder;
}
