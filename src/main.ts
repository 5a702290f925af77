/**
 * Entry point. The five protocol verbs are served before commander or any other heavy module is
 * loaded: Docker runs us for every pull and push, so that path must stay short.
 */
import { openBackend } from './backends/open.js';
import { isProtocolVerb, unknownActionMessage } from './protocol/messages.js';
import { serveProtocol } from './protocol/serve.js';
import { writeOutput } from './protocol/stdio.js';
import { useNormalJit } from './runtime/jit-policy.js';
import { forbidCoreDumps } from './runtime/no-core-dumps.js';

export async function main(args: readonly string[]): Promise<number> {
  // First, before stdin or any key is read: every process, the agent too (it runs this same entry).
  forbidCoreDumps();
  const [first] = args;
  if (isProtocolVerb(first)) return serveProtocol(args, openBackend);
  // doctor, migrate, the agent: long enough that the JIT pays (src/runtime/jit-policy.ts).
  useNormalJit();
  // The command table (no commander in it), read only now: the protocol verbs never load it.
  const { isCommandWord } = await import('./commands/table.js');
  if (first !== undefined && !first.startsWith('-') && !isCommandWord(first)) {
    writeOutput(`${unknownActionMessage(first)}\n`);
    return 1;
  }
  const { runCli } = await import('./cli.js');
  return runCli(args);
}
