/**
 * Run by bun (test/fs/read-regular-file.test.ts) for the cases that would block a test process for good
 * if the read regressed (a FIFO, /dev/zero): prints readRegularFile's outcome for each path as JSON.
 */
import { readRegularFile } from '../../src/fs/read-regular-file.js';

const outcomes = process.argv.slice(2).map((path) => {
  const outcome = readRegularFile(path, { maxBytes: 1024 * 1024 });
  return outcome.kind === 'read' ? { kind: 'read', text: outcome.bytes.toString('utf8') } : { ...outcome, error: undefined };
});
process.stdout.write(JSON.stringify(outcomes));
