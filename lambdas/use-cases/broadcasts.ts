/** Broadcasts: see ./broadcasts/ (accept, preview, progress; prepare and fan out in the background). */
export * from './broadcasts/index.js';
