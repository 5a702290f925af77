/** FileCalls served by node:fs: under Node.js, and wherever libc by FFI is not to be had. */
import type { BigIntStats } from 'node:fs';
import type { FileCalls, FileStat } from './file-calls.js';
import { nodeFs } from './node-modules.js';
import { readRegularFile } from './read-regular-file.js';
import { notRegularFileError, tooLargeFileError } from './regular-file.js';

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
      switch (outcome.kind) {
        case 'read':
          return outcome.bytes.toString('utf8');
        case 'not-regular':
          throw notRegularFileError(path, outcome.mode);
        case 'too-large':
          throw tooLargeFileError(path, outcome.size, outcome.maxBytes);
        default:
          throw outcome.error;
      }
    },
  };
}
