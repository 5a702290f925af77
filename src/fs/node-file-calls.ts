/** FileCalls served by node:fs: under Node.js, and wherever libc by FFI is not to be had. */
import type { BigIntStats } from 'node:fs';
import type { FileCalls, FileStat } from './file-calls.js';
import { nodeFs } from './node-modules.js';

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
    openToRead: (path) => fs.openSync(path, 'r'),
    read: (fd, buffer, offset, length) => fs.readSync(fd, buffer, offset, length, null),
    write: (fd, buffer, offset, length) => fs.writeSync(fd, buffer, offset, length),
    close: (fd) => fs.closeSync(fd),
    readText: (path) => fs.readFileSync(path, 'utf8'),
    readTextOf: (fd) => fs.readFileSync(fd, 'utf8'),
  };
}
