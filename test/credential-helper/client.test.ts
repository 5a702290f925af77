import { describe, expect, it } from 'vitest';
import { HelperClient } from '../../src/credential-helper/client.js';
import { TsstoreError } from '../../src/errors.js';

const answering = (stdout: string, exitCode = 0) => new HelperClient('docker-credential-x', async () => ({ stdout, stderr: '', exitCode }));

async function failure(promise: Promise<unknown>): Promise<{ code: string | undefined; message: string }> {
  try {
    await promise;
  } catch (error) {
    return { code: error instanceof TsstoreError ? error.code : undefined, message: (error as Error).message };
  }
  throw new Error('expected a failure');
}

describe('HelperClient', () => {
  it('reads a login and a list', async () => {
    expect(await answering('{"ServerURL":"r","Username":"u","Secret":"s"}\n').get('r')).toEqual({ username: 'u', secret: 's' });
    expect(await answering('{"r":"u","q":1}').list()).toEqual(new Map([['r', 'u'], ['q', '']]));
  });

  it('never repeats an answer that is not JSON: it may hold the secret', async () => {
    const broken = await failure(answering('{"Username":"u","Secret":Hunter2}').get('r'));
    expect(broken).toEqual({ code: 'helper', message: 'docker-credential-x answered something that is not JSON' });
    expect((await failure(answering('Hunter2').list())).message).toBe('docker-credential-x list answered something that is not JSON');
  });

  it('tells not-found apart from failures, and quotes only the protocol error line, capped', async () => {
    expect((await failure(answering('credentials not found in native keychain\n', 1).get('r'))).code).toBe('not-found');
    const failed = await failure(answering(`pass not initialized${'x'.repeat(500)}\nmore`, 1).get('r'));
    expect(failed.code).toBe('helper');
    expect(failed.message).toHaveLength('docker-credential-x get failed: '.length + 200);
    // A login printed before failing is not an error line: never quoted.
    const printedLogin = await failure(answering('{"Username":"u","Secret":"Hunter2"}\n', 1).get('r'));
    expect(printedLogin.message).not.toContain('Hunter2');
    expect(printedLogin.message).toBe('docker-credential-x get failed: it exited with code 1 after printing JSON (not shown: it may hold a secret)');
    expect((await failure(answering('', 124).get('r'))).message).toBe('docker-credential-x get failed: it did not answer within 30 s');
    expect((await failure(answering('{"Username":"u","Secret":""}').get('r'))).message).toBe('docker-credential-x answers an empty login');
    expect((await failure(answering('[]').list())).message).toContain('not an object');
  });
});
