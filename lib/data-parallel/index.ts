/**
 * Data-parallel training: one run's batches split between worker threads, each with its own tfjs
 * engine, so that single-threaded backends (wasm, cpu) use every core. See docs/wasm-backend.md.
 */
export { dataParallel } from './data-parallel.js';
export type { DataParallelConfig } from './config.js';
