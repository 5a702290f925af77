/**
 * The commands for people, built from the table in src/commands/table.ts. Protocol verbs never get
 * here: main() serves them first.
 */
import { Command, CommanderError, Option } from 'commander';
import { type CommandSpec, COMMANDS, type OptionSpec } from './commands/table.js';
import { describeError, isTsstoreError } from './errors.js';
import { HELPER_NAME } from './protocol/messages.js';
import { versionLine } from './protocol/handle.js';
import { warn } from './text/output.js';

function program(setExitCode: (code: number) => void): Command {
  const cli = new Command(HELPER_NAME)
    .description(
      'Docker credential helper that keeps registry passwords in the OS keyring or encrypted with OpenPGP.\n' +
        'Docker runs it with one of the protocol verbs: store, get, erase, list, version.',
    )
    .version(versionLine().trim(), '-v, --version')
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(text) });
  for (const spec of COMMANDS) addSubcommand(cli, spec, setExitCode);
  return cli;
}

function addSubcommand(cli: Command, spec: CommandSpec, setExitCode: (code: number) => void): void {
  // command(), not addCommand(): the subcommand inherits exitOverride and the output settings.
  const command = cli.command(spec.name, { hidden: spec.hidden ?? false });
  if (spec.description !== undefined) command.description(spec.description);
  if (spec.operands) command.argument(spec.operands.syntax, spec.operands.description);
  for (const option of spec.options) command.addOption(commanderOption(option));
  command.action(async (...args: unknown[]) => {
    const operands = spec.operands ? (args[0] as string[]) : [];
    setExitCode((await spec.run(operands, command.opts())) ?? 0);
  });
}

function commanderOption(spec: OptionSpec): Option {
  const option = new Option(spec.flags, spec.description);
  if (spec.choices) option.choices(spec.choices);
  if (spec.required) option.makeOptionMandatory();
  if (spec.repeatable) option.argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value]);
  return option;
}

export async function runCli(args: readonly string[]): Promise<number> {
  let exitCode = 0;
  const cli = program((code) => {
    exitCode = code;
  });
  try {
    if (args.length === 0) {
      cli.outputHelp();
      return 1;
    }
    await cli.parseAsync([...args], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    if (process.env.TSSTORE_DEBUG && !isTsstoreError(error)) console.error(error);
    warn(`${HELPER_NAME}: ${describeError(error)}`);
    return 1;
  }
}
