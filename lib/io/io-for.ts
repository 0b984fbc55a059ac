/**
 * Where a model is saved or loaded: a URL whose scheme tfjs has a handler for (`indexeddb://`,
 * `localstorage://`, `downloads://` in a browser; `http(s)://` loads) goes to that handler; anything
 * else is a folder, written by lib/io/file-io.ts. The folder handler is imported when first needed, so
 * that the training core (checkpoint, saveModel) loads no Node module in a browser.
 */
import { io } from '@tensorflow/tfjs-core';

const URL_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

/** The IO handler for `dir`: tfjs's for a registered URL scheme, else the folder handler. */
export async function ioFor(dir: string, purpose: 'save' | 'load'): Promise<io.IOHandler> {
  if (URL_SCHEME.test(dir)) {
    const handlers = purpose === 'save' ? io.getSaveHandlers(dir) : io.getLoadHandlers(dir);
    if (handlers.length > 0) return handlers[0]!;
  }
  const { fileIO } = await import('./file-io.js');
  return fileIO(dir);
}
