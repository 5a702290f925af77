/** The bun that builds the single file (scripts/build-single-file.js finds it in node_modules). */
export { findBun as bunBinary } from '../../scripts/build-single-file.js';
