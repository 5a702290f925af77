#!/usr/bin/env node
// The executable: `npm run build` compiles it into the single file, and npm links it as a bin.
import { main } from '../src/main.js';

// No top-level await: bun's --bytecode output is CommonJS.
void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
