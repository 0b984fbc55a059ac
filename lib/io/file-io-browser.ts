/**
 * What the browser build (scripts/build-browser.mjs) puts in place of lib/io/file-io.ts: a page has no
 * folders, so saving or loading a model by folder path says what to give instead.
 */
import type { io } from '@tensorflow/tfjs-core';
import { configError } from '../errors.js';

/** In a browser: fails, naming the path and the tfjs URL schemes that work here. */
export function fileIO(path: string): io.IOHandler {
  throw configError('fileIO()', 'path', "is a folder, which a browser does not have: give a tfjs URL such as 'indexeddb://my-model', 'localstorage://my-model' or 'downloads://my-model'", path);
}
