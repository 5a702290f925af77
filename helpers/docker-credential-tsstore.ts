#!/usr/bin/env node
// The executable: `npm run build` compiles it into the single file, and npm links it as a bin.
//
// `version` is answered here, before main and its modules load: every static import of this file is
// loaded and linked before any of it runs, and main's (node:fs, node:path, node:os) cost more under bun
// than the rest of `version` does. Measured on the single file (valgrind instructions, page faults, 31
// alternating runs): see src/protocol/version-line.ts and the note in scripts/build-single-file.js.
import { isBareVersion, printVersion } from '../src/protocol/version-line.js';

const args = process.argv.slice(2);
// No top-level await: bun's --bytecode output is CommonJS.
void (isBareVersion(args) ? printVersion() : import('../src/main.js').then(({ main }) => main(args))).then((code) => {
  process.exitCode = code;
});
