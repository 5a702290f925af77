/** Kept equal to package.json's version by a unit test; a constant so the single file needs no JSON at run time. */
export const VERSION = '0.1.0';
export const PACKAGE = 'github.com/tsstore/tsstore';
