/**
 * The docker daemon's daemon.json as dockerd reads it: strict JSON (Go's decoder: no byte-order mark, no
 * comments, not empty), one object. A file that does not parse is described with line, column and the
 * line itself, and is never rewritten; neither is one with a key given twice (dockerd keeps the last,
 * a person meant one of them). Reading is bounded (a file of megabytes is not a configuration).
 */
import { lstatSync, readlinkSync } from 'node:fs';
import { describeError } from '../errors.js';
import { readRegularFile } from '../fs/read-regular-file.js';
import { isFolderMode } from '../fs/regular-file.js';
import { type DuplicateKey, findDuplicateKeys } from '../json/duplicate-keys.js';
import { findJsonError, positionOf } from '../json/position.js';

export const MAX_DAEMON_JSON_BYTES = 1024 * 1024;
const MAX_LINE_SHOWN = 200;

export type DaemonJsonFile =
  | { kind: 'missing'; path: string; link?: string }
  | { kind: 'unreadable'; path: string; message: string }
  | { kind: 'too-large'; path: string; bytes: number }
  | { kind: 'syntax'; path: string; line: number; column: number; lineText: string; why?: string }
  | { kind: 'not-object'; path: string; found: string }
  | { kind: 'parsed'; path: string; text: string; value: Record<string, unknown>; duplicates: DuplicateKey[]; link?: string };

/** Pure: what dockerd makes of `text`. */
export function daemonJsonFromText(path: string, text: string, link?: string): DaemonJsonFile {
  const links = link === undefined ? {} : { link };
  if (text.startsWith('\ufeff')) return { kind: 'syntax', path, line: 1, column: 1, lineText: '', why: 'it starts with a byte-order mark (U+FEFF), which Go\'s JSON decoder refuses' };
  if (text.trim() === '') return { kind: 'syntax', path, line: 1, column: 1, lineText: '', why: 'it is empty (dockerd answers "EOF"; an empty configuration is {})' };
  const offset = findJsonError(text);
  if (offset !== undefined) {
    const { line, column } = positionOf(text, offset);
    const lineText = (text.split('\n')[line - 1] ?? '').replace(/\r$/, '');
    return { kind: 'syntax', path, line, column, lineText: lineText.length > MAX_LINE_SHOWN ? `${lineText.slice(0, MAX_LINE_SHOWN)}…` : lineText };
  }
  const value = JSON.parse(text) as unknown;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { kind: 'not-object', path, found: Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}` };
  }
  return { kind: 'parsed', path, text, value: value as Record<string, unknown>, duplicates: findDuplicateKeys(text), ...links };
}

export function readDaemonJsonFile(path: string): DaemonJsonFile {
  let link: string | undefined;
  try {
    if (lstatSync(path).isSymbolicLink()) link = readlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing', path };
    return { kind: 'unreadable', path, message: describeError(error) };
  }
  // Only a regular file within the cap is read, judged on the open file itself: a FIFO put there between
  // the lstat and the read would block the doctor for good (read-regular-file.ts).
  const outcome = readRegularFile(path, { maxBytes: MAX_DAEMON_JSON_BYTES });
  switch (outcome.kind) {
    case 'read':
      return daemonJsonFromText(path, outcome.bytes.toString('utf8'), link);
    case 'missing':
      return { kind: 'missing', path, ...(link === undefined ? {} : { link }) };
    case 'not-regular':
      return { kind: 'unreadable', path, message: isFolderMode(outcome.mode) ? 'it is a folder' : 'it is not a regular file' };
    case 'too-large':
      return { kind: 'too-large', path, bytes: outcome.size ?? MAX_DAEMON_JSON_BYTES + 1 };
    case 'unreadable':
      return { kind: 'unreadable', path, message: describeError(outcome.error) };
  }
}
