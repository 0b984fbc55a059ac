/**
 * `MaxPoolGrad` for the wasm backend, replacing the stock one, which is wrong as soon as there is more
 * than one channel (gradients land on the wrong positions or are lost) and took a quarter of a CNN
 * training step. Each output's gradient goes to the first maximum of its window, in row-major order,
 * padding excluded: the cpu backend's rule, so ties break the same way.
 *
 * A single pass in JavaScript over the wasm heap. The work is a few comparisons per input element, so
 * it is bound by memory, not arithmetic; channels are innermost so every access is sequential. With
 * the BLAS add-on on, the same loop runs natively (lib/backend/blas/blas-pool.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import { asWasm } from './wasm-ops.js';
import { kernelAttrs } from './kernel-attrs.js';
import { blasMaxPoolGrad } from '../blas/blas-pool.js';
import { maxPoolGradGeometry } from './max-pool-grad-geometry.js';

function maxPoolGrad({ inputs, backend, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const wasm = asWasm(backend);
  const { dy, input } = inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
  const onBlas = blasMaxPoolGrad(wasm, dy, input, kernelAttrs<tf.MaxPoolGradAttrs>(attrs));
  if (onBlas !== undefined) return onBlas;
  const info = maxPoolGradGeometry(input.shape, dy.shape, kernelAttrs<tf.MaxPoolGradAttrs>(attrs));
  const { batchSize, inHeight, inWidth, inChannels: c, outHeight, outWidth, strideHeight, strideWidth } = info;
  const { effectiveFilterHeight: fh, effectiveFilterWidth: fw } = info;
  const out = wasm.makeOutput(input.shape, 'float32');
  // Views after makeOutput: an allocation may grow (and so replace) the heap buffer.
  const dx = wasm.typedArrayFromHeap(out);
  dx.fill(0);
  const x = wasm.typedArrayFromHeap(input);
  const g = wasm.typedArrayFromHeap(dy);
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const rowStride = inWidth * c;
  let gi = 0;
  for (let b = 0; b < batchSize; b++) {
    for (let yr = 0; yr < outHeight; yr++) {
      const r0 = yr * strideHeight - top;
      const rMin = Math.max(0, r0);
      const rMax = Math.min(inHeight, r0 + fh);
      for (let yc = 0; yc < outWidth; yc++, gi += c) {
        const c0 = yc * strideWidth - left;
        const cMin = Math.max(0, c0);
        const cMax = Math.min(inWidth, c0 + fw);
        const corner = ((b * inHeight + rMin) * inWidth + cMin) * c;
        if (rMax - rMin === 2 && cMax - cMin === 2) {
          // The common 2x2 window, unrolled: loop overhead would cost more than the four compares.
          const below = corner + rowStride;
          for (let d = 0; d < c; d++) {
            const i0 = corner + d;
            const i1 = i0 + c;
            const i2 = below + d;
            const i3 = i2 + c;
            const v0 = x[i0]!;
            const v1 = x[i1]!;
            const v2 = x[i2]!;
            const v3 = x[i3]!;
            // Selects, not branches: on real data each comparison is a coin toss.
            const a = v0 > -Infinity;
            let best = a ? v0 : -Infinity;
            let where = a ? i0 : -1;
            const b1 = v1 > best;
            best = b1 ? v1 : best;
            where = b1 ? i1 : where;
            const b2 = v2 > best;
            best = b2 ? v2 : best;
            where = b2 ? i2 : where;
            where = v3 > best ? i3 : where;
            if (where >= 0) dx[where]! += g[gi + d]!;
          }
          continue;
        }
        for (let d = 0; d < c; d++) {
          // As cpu: strictly larger than -Infinity, so a window of -Infinity or NaN passes on nothing.
          let best = -Infinity;
          let where = -1;
          for (let r = rMin, row = corner + d; r < rMax; r++, row += rowStride) {
            for (let col = cMin, i = row; col < cMax; col++, i += c) {
              // Written without a branch: on real data the comparison is a coin toss, and a
              // mispredicted branch costs more than both selects.
              const v = x[i]!;
              const larger = v > best;
              where = larger ? i : where;
              best = larger ? v : best;
            }
          }
          if (where >= 0) dx[where]! += g[gi + d]!;
        }
      }
    }
  }
  return out;
}

export const maxPoolGradConfig: tf.KernelConfig = {
  kernelName: tf.MaxPoolGrad,
  backendName: 'wasm',
  kernelFunc: maxPoolGrad,
};
