/**
 * Entry point. The five protocol verbs are served before commander or any other heavy module is
 * loaded: Docker runs us for every pull and push, so that path must stay short.
 */
import { openBackend } from './backends/open.js';
import { isProtocolVerb, unknownActionMessage } from './protocol/messages.js';
import { serveProtocol } from './protocol/serve.js';
import { writeOutput } from './protocol/stdio.js';
import { forbidCoreDumps } from './runtime/no-core-dumps.js';

/** Words the commander program knows; any other single word is an unknown protocol action. */
export const CLI_COMMANDS = ['init', 'info', 'doctor', 'migrate', 'unlock', 'lock', 'passwd', 'agent', 'help'];

export async function main(args: readonly string[]): Promise<number> {
  // First, before stdin or any key is read: every process, the agent too (it runs this same entry).
  forbidCoreDumps();
  const [first] = args;
  if (isProtocolVerb(first)) return serveProtocol(args, openBackend);
  if (first !== undefined && !first.startsWith('-') && !CLI_COMMANDS.includes(first)) {
    writeOutput(`${unknownActionMessage(first)}\n`);
    return 1;
  }
  const { runCli } = await import('./cli.js');
  return runCli(args);
}
