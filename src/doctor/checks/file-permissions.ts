/** file-permissions: config.json and tsstore's files are readable by their owner only. Fix: chmod. */
import { chmodSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { tsstorePaths } from '../../config/paths.js';
import { dockerConfigPath } from '../../docker/config-file.js';
import type { Check } from '../check.js';

export interface FileMode {
  path: string;
  mode: number;
  directory: boolean;
}

/** Pure judgement: which of these are open to group or others, and the mode they should have. */
export function tooOpen(files: readonly FileMode[]): Array<FileMode & { wanted: number }> {
  return files.filter((file) => (file.mode & 0o077) !== 0).map((file) => ({ ...file, wanted: file.directory ? 0o700 : 0o600 }));
}

function collect(path: string, recurse: boolean, into: FileMode[]): void {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    return;
  }
  into.push({ path, mode: stat.mode & 0o777, directory: stat.isDirectory() });
  if (recurse && stat.isDirectory()) {
    for (const name of readdirSync(path)) collect(join(path, name), true, into);
  }
}

function inspect(env: Readonly<Record<string, string | undefined>>): FileMode[] {
  const paths = tsstorePaths(env);
  const files: FileMode[] = [];
  collect(dockerConfigPath(env), false, files);
  collect(paths.settingsFile, false, files);
  collect(paths.pgpDir, true, files);
  collect(join(paths.dataDir, 'backups'), true, files);
  return files;
}

const octal = (mode: number) => mode.toString(8).padStart(4, '0');

export const filePermissions: Check = {
  id: 'file-permissions',
  title: 'Credential files are private',
  async diagnose(context) {
    const open = tooOpen(inspect(context.env));
    if (open.length === 0) return { status: 'ok', details: [] };
    return { status: 'problem', details: open.map((file) => `${file.path} is ${octal(file.mode)}, should be ${octal(file.wanted)}`) };
  },
  async fix(context) {
    return tooOpen(inspect(context.env)).map((file) => {
      chmodSync(file.path, file.wanted);
      return `chmod ${octal(file.wanted)} ${file.path}`;
    });
  },
};
