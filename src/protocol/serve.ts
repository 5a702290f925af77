/**
 * Runs the helper protocol for one process: argv check, stdin, one verb, stdout, exit code.
 * Errors go to stdout as one line with exit code 1, as docker-credential-helpers does.
 */
import { describeError, isTsstoreError } from '../errors.js';
import { decodeInput } from './codec.js';
import { type OpenBackend, handleVerb, verbReadsInput } from './handle.js';
import { USAGE, inputPrompt, isProtocolVerb, unknownActionMessage } from './messages.js';
import { readInput, stdinIsTerminal, stdoutWasClosed, writeError, writeOutput } from './stdio.js';
import { terminalSafe } from '../text/safe-text.js';

export async function serveProtocol(args: readonly string[], openBackend: OpenBackend): Promise<number> {
  const [verb] = args;
  if (args.length !== 1) return fail(USAGE);
  if (!isProtocolVerb(verb)) return fail(unknownActionMessage(verb ?? ''));
  let output: string;
  try {
    let input = '';
    if (verbReadsInput(verb)) {
      // A person typing the verb by hand would otherwise see nothing and wonder what it waits for.
      if (await stdinIsTerminal()) tellPerson(inputPrompt(verb));
      input = decodeInput(await readInput());
    }
    output = await handleVerb(verb, input, openBackend);
  } catch (error) {
    if (process.env.TSSTORE_DEBUG && !isTsstoreError(error)) console.error(error);
    return fail(describeError(error));
  }
  // An answer nobody receives is a failure (docker-credential-pass exits 0 for get: it ignores the write's error).
  if (output !== '' && stdoutWasClosed()) {
    tellPerson(STDOUT_CLOSED);
    return 1;
  }
  try {
    writeOutput(output);
  } catch {
    return 1; // stdout closed (EPIPE): nobody is left to tell
  }
  return 0;
}

const STDOUT_CLOSED = 'stdout is closed (or a read-write /dev/null): the answer was not delivered';

function tellPerson(line: string): void {
  try {
    writeError(`${line}\n`);
  } catch {
    // stderr closed: nobody to tell
  }
}

function fail(message: string): number {
  try {
    // docker shows this line to the person ("error getting credentials - err: ..., out: `...`").
    writeOutput(`${terminalSafe(message)}\n`);
  } catch {
    // stdout closed (EPIPE): the exit code still says it failed
  }
  return 1;
}
