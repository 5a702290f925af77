/**
 * docker-context: the docker context that config.json names exists. Docker Desktop, when uninstalled,
 * leaves "currentContext": "desktop-linux" behind, and from then on every docker command, `docker login`
 * included, fails with `context "desktop-linux": context not found`. Fix: remove currentContext, so docker
 * uses its default context again (what `docker context use default` does).
 */
import { TsstoreError } from '../../errors.js';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { contextMetaPath } from '../../docker/docker-endpoint.js';
import type { Check, Diagnosis } from '../check.js';

export type DockerContextState =
  | { kind: 'default' }
  | { kind: 'exists'; name: string }
  /** DOCKER_HOST or DOCKER_CONTEXT decide, not config.json (as in the docker CLI). */
  | { kind: 'overridden'; variable: 'DOCKER_HOST' | 'DOCKER_CONTEXT'; name?: string; missing: boolean }
  | { kind: 'missing'; name: string }
  | { kind: 'invalid'; value: string };

export interface ContextInputs {
  currentContext: unknown;
  dockerHost?: string;
  dockerContext?: string;
  /** Whether a context of this name exists in the docker config folder. */
  exists(name: string): boolean;
}

/** Pure judgement, in the order the docker CLI resolves its context. */
export function judgeDockerContext(inputs: ContextInputs): DockerContextState {
  if (inputs.dockerHost) return { kind: 'overridden', variable: 'DOCKER_HOST', missing: false };
  if (inputs.dockerContext) {
    const name = inputs.dockerContext;
    return { kind: 'overridden', variable: 'DOCKER_CONTEXT', name, missing: name !== 'default' && !inputs.exists(name) };
  }
  const value = inputs.currentContext;
  if (value === undefined || value === '' || value === 'default') return { kind: 'default' };
  if (typeof value !== 'string') return { kind: 'invalid', value: JSON.stringify(value).slice(0, 60) };
  return inputs.exists(value) ? { kind: 'exists', name: value } : { kind: 'missing', name: value };
}

function describeState(state: DockerContextState, path: string): Diagnosis {
  switch (state.kind) {
    case 'default':
      return { status: 'ok', details: ['docker uses its default context'] };
    case 'exists':
      return { status: 'ok', details: [`docker uses the context "${state.name}", which exists`] };
    case 'overridden':
      if (!state.missing) return { status: 'ok', details: [`${state.variable} decides which daemon docker uses; currentContext in ${path} does not apply`] };
      return {
        status: 'problem',
        fixable: false,
        details: [`DOCKER_CONTEXT is "${state.name}", a context that does not exist: every docker command fails with "context not found"`],
        commands: ['unset DOCKER_CONTEXT   # and remove it from the shell start-up file that sets it'],
      };
    case 'missing':
      return {
        status: 'problem',
        details: [
          `${path} names the docker context "${state.name}", which does not exist (left by Docker Desktop?): every docker command, docker login too, fails with "context not found"`,
        ],
      };
    case 'invalid':
      return { status: 'problem', details: [`currentContext in ${path} is ${state.value}, not a context name`] };
  }
}

export const dockerContext: Check = {
  id: 'docker-context',
  title: 'The docker context exists',
  async diagnose(context) {
    const read = context.readDockerConfig();
    if (!read.ok) return { status: 'skipped', details: ['config.json cannot be read (see config-json)'] };
    const configDir = dirname(read.file.path);
    const state = judgeDockerContext({
      currentContext: read.file.config.currentContext,
      dockerHost: context.env.DOCKER_HOST,
      dockerContext: context.env.DOCKER_CONTEXT,
      exists: (name) => existsSync(contextMetaPath(configDir, name)),
    });
    return describeState(state, read.file.path);
  },
  async fix(context) {
    const read = context.readDockerConfig();
    if (!read.ok) throw new TsstoreError('config', 'config.json cannot be read');
    const { currentContext, ...rest } = read.file.config;
    await context.writeDockerConfig(read.file, rest);
    return [`removed "currentContext": ${JSON.stringify(currentContext)} from ${read.file.path}: docker uses its default context again`];
  },
};
