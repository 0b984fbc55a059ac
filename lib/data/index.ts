/**
 * The data layer: loaders (CSV, IDX, bundled sets, Fashion-MNIST), in-memory data, splits and
 * normalisation. Everything here produces or takes an {@link ArrayDataset}.
 */
export type { ArrayDataset, DataSplits } from './types.js';
export { fromArrays, fromTensors } from './from-arrays.js';
export type { FromArraysOptions, NestedNumbers } from './from-arrays.js';
export { toOneHot } from './one-hot.js';
export { parseCsv } from './csv.js';
export { loadCsv } from './load-csv.js';
export type { CsvOptions, CsvDataset } from './csv.js';
export { fitNormalizer, applyNormalizer } from './normalize.js';
export type { NormalizeKind, NormalizerStats } from './normalize.js';
export { loadIdx, parseIdx, loadIdxDataset } from './idx.js';
export type { IdxArray, IdxData, IdxDtype, IdxDatasetOptions } from './idx.js';
export { digits, wine, breastCancer, iris, diabetes } from './bundled.js';
export type { DigitsOptions } from './bundled.js';
export { fashionMnist, FASHION_MNIST_CLASSES } from './fashion-mnist.js';
export type { FashionMnistOptions } from './fashion-mnist.js';
export { split, subset, take } from './split.js';
export type { SplitConfig } from './split.js';
