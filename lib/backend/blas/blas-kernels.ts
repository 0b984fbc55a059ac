/**
 * The stock wasm kernels taken over when BLAS is on (blas-first-kernel.ts): the forward Conv2D (im2col
 * + sgemm, blas-conv2d.ts: 1-3x faster than XNNPACK's on training's shapes, bench/blas-conv.ts),
 * MaxPool and Sum over leading axes (blas-pool.ts, blas-sum.ts: bench/blas-kernels.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import { blasConv2D } from './blas-conv2d.js';
import { blasMaxPool } from './blas-pool.js';
import { blasSum } from './blas-sum.js';
import { blasFirstKernel } from './blas-first-kernel.js';
import { kernelAttrs } from '../kernels/kernel-attrs.js';

const kernels = [
  blasFirstKernel(tf.Conv2D, (wasm, { x, filter }, attrs) => blasConv2D(wasm, x!, filter!, kernelAttrs<tf.Conv2DAttrs>(attrs))),
  blasFirstKernel(tf.MaxPool, (wasm, { x }, attrs) => blasMaxPool(wasm, x!, kernelAttrs<tf.MaxPoolAttrs>(attrs))),
  blasFirstKernel(tf.Sum, (wasm, { x }, attrs) => blasSum(wasm, x!, kernelAttrs<tf.SumAttrs>(attrs))),
];

/** Put the BLAS-first kernels in place of wasm's (idempotent). */
export function installBlasKernels(): void {
  for (const k of kernels) k.install();
}
