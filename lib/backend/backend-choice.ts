/**
 * Whether anyone chose the tfjs backend. Without a choice tfjs falls back, at the first tensor, to its
 * highest-priority backend that starts synchronously: here the pure-JS cpu backend, 20-250x slower
 * than wasm for training. A program that forgot `useBackend()` would train there without a word, so
 * the first training call asks {@link backendChosen} and chooses `'auto'` itself when nobody did.
 *
 * A choice is any `tf.setBackend()` (which `useBackend()` makes); tfjs's own fallback is not. The two
 * meet in the engine's `setBackend`, so tfjs's fallback is recognised by the call that precedes it
 * (`initializeBackendsAndReturnBest` for the first tensor, `ready()` with no backend yet). These are
 * internals of @tensorflow/tfjs-core 4.22.0 (pinned); if they are missing, a backend counts as chosen
 * unless it is cpu.
 */
import * as tf from '@tensorflow/tfjs-core';

interface EngineInternals {
  backendInstance: unknown;
  pendingBackendInit: unknown;
  setBackend(name: string): Promise<boolean>;
  initializeBackendsAndReturnBest(): { name: string; asyncInit: boolean };
  ready(): Promise<void>;
}

/** Whether the engine has the internals this module hooks into (tfjs types most of them `private`). */
function hasInternals(engine: object): engine is EngineInternals {
  return 'setBackend' in engine && typeof engine.setBackend === 'function' &&
    'initializeBackendsAndReturnBest' in engine && typeof engine.initializeBackendsAndReturnBest === 'function' &&
    'ready' in engine && typeof engine.ready === 'function';
}

const engine = tf.engine();
const internals: object = engine;
const tracked = hasInternals(internals);

/** Who set the active backend: nobody yet, tfjs's fallback, or a choice. */
let activeBy: 'none' | 'fallback' | 'choice' = engine.backendName == null ? 'none' : engine.backendName === 'cpu' ? 'fallback' : 'choice';
/** The next engine.setBackend is tfjs's own pick. */
let fallbackPending = false;

if (tracked) {
  const setBackend = internals.setBackend.bind(internals);
  internals.setBackend = (name: string) => {
    activeBy = fallbackPending ? 'fallback' : 'choice';
    fallbackPending = false;
    return setBackend(name);
  };
  const best = internals.initializeBackendsAndReturnBest.bind(internals);
  internals.initializeBackendsAndReturnBest = () => {
    const picked = best();
    fallbackPending = !picked.asyncInit; // an async one throws before tfjs sets it
    return picked;
  };
  const ready = internals.ready.bind(internals);
  internals.ready = () => {
    if (internals.backendInstance == null && internals.pendingBackendInit == null) fallbackPending = true;
    return ready();
  };
}

/** True when a backend was chosen (`useBackend()`, `tf.setBackend()`), not just fallen back to. */
export function backendChosen(): boolean {
  if (!tracked) return engine.backendName != null && engine.backendName !== 'cpu';
  return activeBy === 'choice';
}
