/**
 * config-keys: docker reads what config.json says the way it was meant. A misspelled key (`credStore`)
 * is ignored without a word; a credHelpers key with a scheme, a path or a wildcard never matches;
 * DOCKER_AUTH_CONFIG wins over the stored logins; under sudo, docker reads root's file, not the user's.
 * Nothing here is fixed for the person: the commands say what to change.
 */
import { loginCommand } from '../../migrate/wording.js';
import { shellQuote } from '../../text/shell-quote.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readConfigFile } from '../../docker/config-file.js';
import { describeError } from '../../errors.js';
import type { Check, Diagnosis } from '../check.js';
import {
  type AuthConfigEnv,
  type HelperKeyFinding,
  type KeyFinding,
  compareSudoLogins,
  judgeAuthConfigEnv,
  judgeCredHelperKeys,
  judgeTopLevelKeys,
  passwdHome,
} from '../config-keys-judgement.js';

interface Lines {
  problems: string[];
  notes: string[];
  commands: string[];
}

function describeKey(finding: KeyFinding, path: string, lines: Lines): void {
  switch (finding.kind) {
    case 'misspelled':
      lines.problems.push(`${path} has "${finding.key}", which docker ignores: rename it to "${finding.field}"`);
      return;
    case 'case':
      lines.problems.push(
        `${path} has "${finding.key}": docker reads it as "${finding.field}" (Go matches keys ignoring case), but tools that match exactly do not, doctor's other checks included: rename it to "${finding.field}"`,
      );
      return;
    case 'unknown':
      lines.notes.push(`${path} has "${finding.key}", which docker does not read (another tool's setting?)`);
  }
}

function describeHelperKey(finding: HelperKeyFinding, path: string, lines: Lines): void {
  if (finding.kind === 'wildcard') {
    lines.problems.push(`credHelpers in ${path} has "${finding.key}": docker looks a helper up by the exact registry name, so a wildcard never matches; give each registry its own key`);
    return;
  }
  const instead = finding.hostAlsoGiven ? `"${finding.host}" is there already: remove this one` : `write "${finding.host}" instead`;
  lines.problems.push(`credHelpers in ${path} has "${finding.key}": docker looks a helper up by host[:port] alone, so a key with a scheme or a path never matches; ${instead}`);
}

function describeAuthEnv(state: AuthConfigEnv, path: string, lines: Lines): void {
  switch (state.kind) {
    case 'unset':
      return;
    case 'invalid':
      lines.problems.push(`DOCKER_AUTH_CONFIG ${state.reason}: docker (28.3 and later) cannot use it`);
      lines.commands.push('unset DOCKER_AUTH_CONFIG   # or set it to a valid config.json text');
      return;
    case 'set': {
      const covers = state.covers.length > 0 ? `the logins for ${state.covers.join(', ')}` : 'no login';
      lines.notes.push(`DOCKER_AUTH_CONFIG is set: docker (28.3 and later) takes ${covers} from it, before ${path}`);
      if (state.hides.length === 0) return;
      lines.problems.push(
        `DOCKER_AUTH_CONFIG hides the stored login for ${state.hides.join(', ')}: docker uses its login there, whatever docker login stores`,
      );
      lines.commands.push('unset DOCKER_AUTH_CONFIG   # and remove it from the shell start-up file or CI setting that sets it');
    }
  }
}

/** Under sudo with root's HOME, docker reads root's config.json: the logins only one side has. */
function describeSudo(env: Record<string, string | undefined>, path: string, rootAuths: unknown, lines: Lines): void {
  const user = env.SUDO_USER;
  if (!user || user === 'root') return;
  let home: string | undefined;
  try {
    home = passwdHome(readFileSync('/etc/passwd', 'utf8'), user);
  } catch {
    // no /etc/passwd: nothing to compare with
  }
  if (!home) {
    lines.notes.push(`SUDO_USER is ${user}, who has no home folder in /etc/passwd: nothing to compare ${path} with`);
    return;
  }
  const userPath = join(home, '.docker', 'config.json');
  if (userPath === path) return; // sudo kept the user's HOME: docker reads the user's file
  let userAuths: unknown;
  try {
    userAuths = readConfigFile(userPath).config.auths;
  } catch (error) {
    lines.notes.push(`under sudo docker reads ${path}; ${user}'s ${userPath} cannot be read to compare: ${describeError(error)}`);
    return;
  }
  const { onlyRoot, onlyUser } = compareSudoLogins(rootAuths, userAuths);
  lines.notes.push(`under sudo (SUDO_USER=${user}) docker reads ${path}, not ${user}'s ${userPath}`);
  if (onlyRoot.length > 0) {
    lines.problems.push(`logins only ${path} has (sudo docker login writes there): ${onlyRoot.join(', ')}; docker run as ${user} does not see them`);
    for (const name of onlyRoot) lines.commands.push(`${loginCommand(name)}   # as ${user}, without sudo`);
  }
  if (onlyUser.length > 0) {
    lines.problems.push(`logins only ${user}'s ${userPath} has: ${onlyUser.join(', ')}; sudo docker does not see them`);
    for (const name of onlyUser) lines.commands.push(`sudo ${loginCommand(name)}`);
  }
}

export const configKeys: Check = {
  id: 'config-keys',
  title: 'Docker reads config.json as it was meant',
  async diagnose(context): Promise<Diagnosis> {
    const read = context.readDockerConfig();
    if (!read.ok) return { status: 'skipped', details: ['config.json cannot be read (see config-json)'] };
    const { path, config } = read.file;
    const lines: Lines = { problems: [], notes: [], commands: [] };
    for (const finding of judgeTopLevelKeys(Object.keys(config))) describeKey(finding, path, lines);
    for (const finding of judgeCredHelperKeys(config.credHelpers)) describeHelperKey(finding, path, lines);
    const keyProblems = lines.problems.length;
    describeAuthEnv(judgeAuthConfigEnv(context.env.DOCKER_AUTH_CONFIG, config.auths), path, lines);
    describeSudo(context.env, path, config.auths, lines);
    if (keyProblems > 0) lines.commands.unshift(`\${EDITOR:-nano} ${shellQuote(path)}`);
    const details = [...lines.problems, ...lines.notes];
    if (lines.problems.length === 0) return { status: 'ok', details: details.length > 0 ? details : [`docker reads every key of ${path}`] };
    return { status: 'problem', fixable: false, details, commands: lines.commands };
  },
};
