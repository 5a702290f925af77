// Types of build-single-file.js for the tests that call it.
export declare const SINGLE_FILE_FLAGS: readonly string[];
export declare function findBun(): string;
export declare function buildSingleFile(entry: string, outfile: string, options?: { quiet?: boolean; target?: string; addons?: string }): void;
