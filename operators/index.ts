/**
 * rxtrain's pipeable operators: the steps and decisions of a training run, to compose with `pipe`.
 * This barrel is the public surface of `rxtrain/operators` in Node: the operators a browser has too
 * (operators/browser.ts), and those that need Node: `dataParallel` (worker threads), `progressBar` (a
 * terminal), `jsonlLog` and `csvLog` (files).
 */
export * from './browser.js';
export { dataParallel } from './data-parallel.js';
export type { DataParallelConfig } from './data-parallel.js';
export { progressBar } from './progress-bar.js';
export type { ProgressBarConfig, ProgressStream } from './progress-bar.js';
export { jsonlLog } from './jsonl-log.js';
export type { JsonlLogConfig } from './jsonl-log.js';
export { csvLog } from './csv-log.js';
