/**
 * Stock wasm clamps with XNNPACK's min/max, which turn NaN into a bound: `clipByValue(NaN, 0, 1)` and
 * `relu6(NaN)` give 0, and a fused matMul or convolution with a relu/relu6 activation (a conv also with
 * elu or sigmoid) gives 0 where the pre-activation is NaN. tfjs-layers runs every Dense and Conv2D
 * forward pass in inference (predict, evaluate, validation) as such a fused kernel, so a NaN input or a
 * NaN weight became a finite prediction on wasm, where cpu keeps NaN. These kernels keep NaN as cpu
 * does: a clamp writes NaN back where its input was NaN, and a fused op runs linear and applies its
 * activation with wasm's separate activation kernels, which propagate NaN. Training is unaffected:
 * tfjs does not fuse ops while it records gradients. Not covered: wasm's depthwise convolution and
 * average pooling turn NaN into ±Infinity (still not finite, but a relu after -Infinity gives 0);
 * docs/wasm-backend.md.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { asWasm, release, runStock, runWasm } from './wasm-ops.js';

/** Write NaN into `out` wherever `x` (same size) is NaN. */
function keepNaN(backend: BackendWasm, x: tf.TensorInfo, out: tf.TensorInfo): tf.TensorInfo {
  if (x.dtype !== 'float32') return out;
  const src = backend.typedArrayFromHeap(x);
  const dst = backend.typedArrayFromHeap(out);
  for (let i = 0; i < src.length; i++) if (Number.isNaN(src[i])) dst[i] = NaN;
  return out;
}

function clampKeepingNaN(kernelName: string): tf.KernelConfig {
  const kernelFunc = ({ inputs, backend, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo => {
    const wasm = asWasm(backend);
    return keepNaN(wasm, inputs.x!, runStock(kernelName, wasm, inputs, attrs));
  };
  return { kernelName, backendName: 'wasm', kernelFunc };
}

export const clipByValueConfig: tf.KernelConfig = clampKeepingNaN(tf.ClipByValue);
export const relu6Config: tf.KernelConfig = clampKeepingNaN(tf.Relu6);

/** Apply a fused op's activation to its linear output `x` with wasm's separate kernel. */
function activate(backend: BackendWasm, x: tf.TensorInfo, inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap): tf.TensorInfo {
  const activation = attrs.activation as string;
  switch (activation) {
    case 'relu':
      return runWasm(tf.Relu, backend, { x });
    case 'relu6':
      return runWasm(tf.Relu6, backend, { x });
    case 'elu':
      return runWasm(tf.Elu, backend, { x });
    case 'sigmoid':
      return runWasm(tf.Sigmoid, backend, { x });
    case 'leakyrelu':
      return runWasm(tf.LeakyRelu, backend, { x }, { alpha: attrs.leakyreluAlpha as number });
    case 'prelu':
      return runWasm(tf.Prelu, backend, { x, alpha: inputs.preluActivationWeights! });
    default:
      throw new Error(`rxtrain wasm kernel: unknown fused activation '${activation}'`);
  }
}

/**
 * A fused kernel (`kernelFunc` runs the op with bias and activation) whose activation is applied
 * separately, so that NaN survives it. Costs one more pass over the output, in inference only.
 */
export function withSeparateActivation(kernelName: string, kernelFunc: tf.KernelFunc): tf.KernelConfig {
  const split = (args: Parameters<tf.KernelFunc>[0]): tf.TensorInfo => {
    const { inputs, backend, attrs } = args;
    const activation = attrs?.activation as string | undefined;
    if (activation === undefined || activation === 'linear') return kernelFunc(args) as tf.TensorInfo;
    const wasm = asWasm(backend);
    const { preluActivationWeights: _, ...linearInputs } = inputs;
    const linear = kernelFunc({ inputs: linearInputs, backend, attrs: { ...attrs, activation: 'linear' } }) as tf.TensorInfo;
    try {
      return activate(wasm, linear, inputs, attrs!);
    } finally {
      release(wasm, linear);
    }
  };
  return { kernelName, backendName: 'wasm', kernelFunc: split as tf.KernelFunc };
}

const stock = (kernelName: string): tf.KernelFunc =>
  (({ inputs, backend, attrs }) => runStock(kernelName, asWasm(backend), inputs, attrs)) as tf.KernelFunc;

export const fusedConv2DConfig: tf.KernelConfig = withSeparateActivation(tf.FusedConv2D, stock(tf.FusedConv2D));
