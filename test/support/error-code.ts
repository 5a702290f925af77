import { TsstoreError } from '../../src/errors.js';

/** The TsstoreError code a promise rejects with, or 'no error'; anything else is rethrown. */
export async function errorCodeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TsstoreError) return error.code;
    throw error;
  }
  return 'no error';
}
