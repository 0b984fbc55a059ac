/**
 * The models of issue 7's benchmark, shared by bench/wasm-cnn.ts and bench/wasm-parallel.ts: built
 * with seeded initialisers, so every replica starts from the same weights.
 */
import * as tfl from '@tensorflow/tfjs-layers';

const init = (seed: number) => tfl.initializers.glorotUniform({ seed });
export const models = {
  cnn: () => tfl.sequential({
    layers: [
      tfl.layers.conv2d({ inputShape: [28, 28, 1], filters: 16, kernelSize: 3, activation: 'relu', kernelInitializer: init(1) }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu', kernelInitializer: init(2) }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 64, activation: 'relu', kernelInitializer: init(3) }),
      tfl.layers.dense({ units: 10, kernelInitializer: init(4) }),
    ],
  }),
  mlp: () => tfl.sequential({
    layers: [
      tfl.layers.dense({ inputShape: [784], units: 256, activation: 'relu', kernelInitializer: init(1) }),
      tfl.layers.dense({ units: 128, activation: 'relu', kernelInitializer: init(2) }),
      tfl.layers.dense({ units: 10, kernelInitializer: init(3) }),
    ],
  }),
};
export type ModelName = keyof typeof models;

/** Multiply-adds × 2 per training sample: forward, plus input and filter gradients (none for the input image). */
export const flopsPerSample: Record<ModelName, number> = (() => {
  const conv1 = 26 * 26 * 16 * 9 * 1;
  const conv2 = 11 * 11 * 32 * 9 * 16;
  const dense = 800 * 64 + 64 * 10;
  const mlp = 784 * 256 + 256 * 128 + 128 * 10;
  return {
    cnn: 2 * (conv1 * 2 + conv2 * 3 + dense * 3),
    mlp: 2 * (784 * 256 * 2 + (mlp - 784 * 256) * 3),
  };
})();

