/**
 * What duplicate-logins tells a person, as pure functions: one line per finding (usernames, never a
 * secret) and the exact commands to settle what --fix leaves. Keys come from files and stores: a key
 * with a control character is given to the shell as printf escapes, so the pasted command names exactly
 * that key (the doctor's rendering shows the line itself escaped, not runnable as shown).
 */
import { DOCKER_HUB_KEY } from '../../docker/server-url.js';
import { HELPER_NAME } from '../../protocol/messages.js';
import { shellQuote } from '../../text/shell-quote.js';
import { terminalSafe } from '../../text/safe-text.js';
import { showRegistry } from '../../migrate/wording.js';
import { type Judgement, type Leftover, type OtherGroup, type SpellingGroup, type SpellingVerdict } from './judge.js';
import { sourceName } from '../registry-login/logins.js';
import { dockerLoginCommand } from '../registry-login/wording.js';

/** A format string for printf(1) that prints `text` exactly: `\ooo` for each byte a terminal must not see. */
function printfFormat(text: string): string {
  let format = '';
  for (const char of text) {
    if (char === '\\') format += '\\\\';
    else if (char === '%') format += '%%';
    else if (terminalSafe(char) !== char) for (const byte of Buffer.from(char, 'utf8')) format += `\\${byte.toString(8).padStart(3, '0')}`;
    else format += char;
  }
  return format;
}

const hostile = (text: string): boolean => terminalSafe(text) !== text;

/** A shell command printing `key` with no newline: what `get` and `erase` read on stdin. */
export function keyOnStdin(key: string): string {
  return hostile(key) ? `printf ${shellQuote(printfFormat(key))}` : `printf %s ${shellQuote(key)}`;
}

/** `key` as one shell argument (a command substitution of printf when it holds control characters). */
export function shellArgument(key: string): string {
  return hostile(key) ? `"$(printf ${shellQuote(printfFormat(key))})"` : shellQuote(key);
}

/** The command that erases exactly `key` from a helper: the protocol takes the key on stdin. */
export function eraseCommand(key: string, helper = HELPER_NAME): string {
  return `${keyOnStdin(key)} | ${helper} erase`;
}

/** docker login for a stored key (Docker Hub's key: none), as `shellArgument` words. */
function loginAs(username: string | undefined, registry: string): string {
  return dockerLoginCommand(registry === DOCKER_HUB_KEY ? undefined : registry, username, shellArgument);
}

const list = (keys: readonly string[]): string => keys.map(showRegistry).join(', ');

function spellingLine(spelling: SpellingVerdict): string[] {
  const key = showRegistry(spelling.key);
  switch (spelling.kind) {
    case 'read':
      return [`  ${key}: docker reads it (it asks for ${list(spelling.sent)})`];
    case 'erase':
      return [`  ${key}: the same login as ${showRegistry(spelling.sameAs)}, and docker never reads it: --fix erases it`];
    case 'kept':
      return [`  ${key}: the same login as ${showRegistry(spelling.sameAs)}, kept: another spelling of this registry is answered from it`];
    case 'unreadable':
      return [`  ${key}: its login, or the one docker reads, cannot be read (see backend): nothing compared, kept`];
    case 'differs':
      return [
        `  ${key}: another login (user ${spelling.username}) than the one docker uses (user ${spelling.readUsername}, from ${showRegistry(spelling.readKey)}); both kept`,
        `    to keep ${spelling.readUsername}'s, run: ${eraseCommand(spelling.key)}`,
        `    to use ${spelling.username}'s instead, run: ${loginAs(spelling.username, spelling.sent)} && ${eraseCommand(spelling.key)}`,
      ];
  }
}

export function groupLines(group: SpellingGroup): string[] {
  const keys = group.spellings.map((spelling) => spelling.key);
  const lines = [`${showRegistry(group.registry)}: tsstore holds ${keys.length} spellings of this registry: ${list(keys)}`];
  for (const spelling of group.spellings) lines.push(...spellingLine(spelling));
  if (group.logoutLeaves.length > 0) {
    lines.push(`  docker logout ${showRegistry(group.registry)} would leave ${list(group.logoutLeaves)} behind, and tsstore would go on answering docker with it`);
  }
  return lines;
}

function otherLines(group: OtherGroup, configPath: string): { lines: string[]; commands: string[] } {
  const where = group.store === 'config' ? configPath : sourceName(group.store);
  const copies = group.copies.map((copy) => `${showRegistry(copy.key)} (user ${copy.username})`).join(', ');
  const reads = group.readKey !== undefined ? `docker reads ${showRegistry(group.readKey)}` : `docker reads one of them, and which one cannot be told`;
  const lines = [`${showRegistry(group.registry)}: ${where} holds ${group.copies.length} spellings of this registry: ${copies}; ${reads}; not changed here`];
  if (group.store === 'config') {
    lines.push(`  doctor --fix plaintext-credentials moves them into tsstore, where this check can judge them; or remove the extra ones by hand`);
    return { lines, commands: [`\${EDITOR:-nano} ${shellArgument(configPath)}`] };
  }
  const extra = group.copies.filter((copy) => copy.key !== group.readKey);
  return { lines, commands: group.readKey === undefined ? [] : extra.map((copy) => eraseCommand(copy.key, `docker-credential-${group.store}`)) };
}

function leftoverLine(leftover: Leftover, configPath: string): { line: string; command?: string } {
  const what = `${showRegistry(leftover.key)}: a token entry Docker Desktop left`;
  const never = 'the docker CLI never reads it (its own web login uses .../v1/access-token and .../v1/refresh-token)';
  switch (leftover.where) {
    case 'tsstore':
      return { line: `${what} in tsstore; ${never}: --fix erases it` };
    case 'config-plaintext':
      return { line: `${what} in ${configPath} in plain text; ${never}: remove it from "auths" by hand`, command: `\${EDITOR:-nano} ${shellArgument(configPath)}` };
    case 'helper':
      return { line: `${what}: config.json says docker-credential-${leftover.helper} holds it; ${never}: erase it there`, command: eraseCommand(leftover.key, `docker-credential-${leftover.helper}`) };
  }
}

export interface Wording {
  details: string[];
  commands: string[];
}

/** Every line of a diagnosis. */
export function describeJudgement(judgement: Judgement, configPath: string): Wording {
  const details: string[] = [];
  const commands: string[] = [];
  for (const group of judgement.groups) details.push(...groupLines(group));
  for (const group of judgement.others) {
    const said = otherLines(group, configPath);
    details.push(...said.lines);
    commands.push(...said.commands);
  }
  for (const leftover of judgement.leftovers) {
    const said = leftoverLine(leftover, configPath);
    details.push(said.line);
    if (said.command !== undefined) commands.push(said.command);
  }
  for (const entry of judgement.emptyEntries) {
    if (entry.leftover) {
      details.push(`${showRegistry(entry.key)}: ${configPath} names this Docker Desktop token entry with no login; --fix removes the empty entry`);
      continue;
    }
    const places = entry.store === 'tsstore' || entry.store === 'config' ? 'tsstore' : `${sourceName(entry.store)} or tsstore`;
    details.push(
      `${showRegistry(entry.key)}: ${configPath} names it in "auths" with no secret, and no login for it is in ${places}: docker sends no credentials there; --fix removes the empty entry (or log in again: ${loginAs(undefined, entry.key)})`,
    );
  }
  return { details, commands: [...new Set(commands)] };
}

/** What --fix says it did. */
export function erasedLine(key: string, why: 'spelling' | 'leftover', sameAs?: string): string {
  return why === 'leftover'
    ? `erased ${showRegistry(key)} from tsstore: a Docker Desktop token entry the docker CLI never reads`
    : `erased ${showRegistry(key)} from tsstore: the same login as ${showRegistry(sameAs ?? '')}, which still answers for it`;
}

export function removedEntriesLine(keys: readonly string[], configPath: string): string {
  return `removed ${keys.length} entr${keys.length === 1 ? 'y' : 'ies'} with no login from "auths" in ${configPath}: ${list(keys)}`;
}
