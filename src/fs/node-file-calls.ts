/** FileCalls served by node:fs: under Node.js, and wherever libc by FFI is not to be had. */
import type { BigIntStats } from 'node:fs';
import type { FileCalls, FileStat } from './file-calls.js';
import { nodeFs } from './node-modules.js';
import { readRegularFile, refusalError } from './read-regular-file.js';

function fileStat(stats: BigIntStats): FileStat {
  return { dev: stats.dev, ino: stats.ino, mode: Number(stats.mode), size: Number(stats.size), mtimeNs: stats.mtimeNs, ctimeNs: stats.ctimeNs };
}

export function nodeFileCalls(): FileCalls {
  const fs = nodeFs();
  return {
    stat(path) {
      const stats = fs.statSync(path, { bigint: true, throwIfNoEntry: false });
      return stats && fileStat(stats);
    },
    fstat: (fd) => fileStat(fs.fstatSync(fd, { bigint: true })),
    modeOf: (fd) => fs.fstatSync(fd).mode,
    openToRead: (path) => fs.openSync(path, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK | (fs.constants.O_NOCTTY ?? 0)),
    read: (fd, buffer, offset, length) => fs.readSync(fd, buffer, offset, length, null),
    write: (fd, buffer, offset, length) => fs.writeSync(fd, buffer, offset, length),
    close: (fd) => fs.closeSync(fd),
    readText(path, maxBytes, checkMode) {
      const outcome = readRegularFile(path, { maxBytes, ...(checkMode && { inspect: (stat) => checkMode(stat.mode) }) });
      if (outcome.kind === 'read') return outcome.bytes.toString('utf8');
      // node's own error, as the libc calls throw theirs: callers tell ENOENT by its code.
      if (outcome.kind === 'missing' || outcome.kind === 'unreadable') throw outcome.error;
      throw refusalError(path, outcome);
    },
  };
}
