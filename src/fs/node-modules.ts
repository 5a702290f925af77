/**
 * node:fs, node:path and node:os, loaded when first used instead of when a module is: under bun each
 * costs start-up time (node:fs about 6 ms, node:path and node:os about 1 ms each: src/runtime/libc.ts
 * and src/fs/join-path.ts) that `list` and `get` need not pay. process.getBuiltinModule is synchronous
 * (Node >= 20.16 and bun).
 */
import type * as NodeFs from 'node:fs';
import type * as NodeOs from 'node:os';
import type * as NodePath from 'node:path';

export const nodeFs = (): typeof NodeFs => process.getBuiltinModule('node:fs');
export const nodePath = (): typeof NodePath => process.getBuiltinModule('node:path');
export const nodeOs = (): typeof NodeOs => process.getBuiltinModule('node:os');
