import { describe, expect, it } from 'vitest';
import { agentArguments, selfInvocation } from '../../src/agent/start.js';

describe('how the helper starts its agent', () => {
  it('runs the single file itself: bun reports the script inside its embedded file system', () => {
    expect(selfInvocation('/usr/local/bin/docker-credential-tsstore', ['bun', '/$bunfs/root/docker-credential-tsstore', 'get'], true)).toEqual({
      file: '/usr/local/bin/docker-credential-tsstore',
      args: [],
    });
  });

  it('runs node with the script under node (npm install), and bun with a script on disk', () => {
    expect(selfInvocation('/usr/bin/node', ['/usr/bin/node', '/usr/lib/node_modules/tsstore/build/helpers/docker-credential-tsstore.js', 'get'], false)).toEqual({
      file: '/usr/bin/node',
      args: ['/usr/lib/node_modules/tsstore/build/helpers/docker-credential-tsstore.js'],
    });
    expect(selfInvocation('/usr/bin/bun', ['/usr/bin/bun', '/src/helpers/docker-credential-tsstore.ts'], true)).toEqual({
      file: '/usr/bin/bun',
      args: ['/src/helpers/docker-credential-tsstore.ts'],
    });
  });

  it('passes only paths to the agent, never a secret', () => {
    expect(agentArguments({ dir: '/run/user/1/tsstore', socket: '/run/user/1/tsstore/agent-x.sock' }, '/s/pgp')).toEqual([
      'agent',
      '--socket',
      '/run/user/1/tsstore/agent-x.sock',
      '--dir',
      '/run/user/1/tsstore',
      '--store',
      '/s/pgp',
    ]);
  });
});
