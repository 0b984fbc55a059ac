/**
 * The BLAS add-on the kernels call now in this thread, or undefined (wasm's own kernels run). Set
 * only by blas-state.ts's chooseBlas; the kernels read it on every call.
 */
import type { BlasAddon } from './blas-addon.js';

let active: BlasAddon | undefined;

export function activeBlas(): BlasAddon | undefined {
  return active;
}

export function setActiveBlas(addon: BlasAddon | undefined): void {
  active = addon;
}
