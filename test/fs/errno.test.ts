/** Errors of libc calls look like node:fs's, so callers read `code` alike whichever served them. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { errnoError } from '../../src/fs/errno.js';
import { fileSystemError } from '../../src/errors.js';

describe('errnoError', () => {
  it('has the code, errno, syscall, path and message node:fs gives', () => {
    let nodeError: NodeJS.ErrnoException | undefined;
    try {
      readFileSync('/nonexistent/tsstore-errno-test');
    } catch (error) {
      nodeError = error as NodeJS.ErrnoException;
    }
    const ours = errnoError(2, 'open', '/nonexistent/tsstore-errno-test');
    expect(ours).toMatchObject({ code: nodeError?.code, errno: nodeError?.errno, syscall: nodeError?.syscall, path: nodeError?.path });
    expect(ours.message).toBe(nodeError?.message);
  });

  it('is worded by fileSystemError as node:fs errors are', () => {
    expect(fileSystemError('read', '/x', errnoError(13, 'open', '/x')).message).toBe('cannot read /x: permission denied');
    expect(fileSystemError('read', '/x', errnoError(30, 'open', '/x')).message).toBe('cannot read /x: the file system is read-only');
    expect(errnoError(999, 'read')).toMatchObject({ code: 'E999', errno: -999, syscall: 'read' });
  });
});
