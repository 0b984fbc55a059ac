/**
 * In-memory data sets: flat typed arrays plus per-sample shapes. Loaders (CSV, IDX, bundled sets)
 * return this form; `batches()` turns it into a stream of tensor batches without copying it whole.
 */
export interface ArrayDataset {
  /** Features of all samples, row-major: sample i occupies x[i*prod(xShape) .. (i+1)*prod(xShape)). */
  readonly x: Float32Array;
  /** Shape of one sample's features, e.g. [64] for digits, [28, 28, 1] for Fashion-MNIST images. */
  readonly xShape: readonly number[];
  /**
   * Targets of all samples. Integer class ids (Int32Array, `yShape` []), one-hot rows (Float32Array,
   * `yShape` [classes]), or regression targets (Float32Array, `yShape` [] or [k]).
   */
  readonly y: Float32Array | Int32Array;
  readonly yShape: readonly number[];
  /** Number of samples. */
  readonly length: number;
  /**
   * Per-sample weights (finite, ≥ 0), one a sample: training multiplies each sample's loss by its
   * weight (`Σ wᵢ·lossᵢ / n`, as Keras's `sample_weight`). Metrics, `val_loss` and `evaluate()` are
   * not weighted. `subset()` and `split()` keep each sample's weight.
   */
  readonly weights?: Float32Array;
  /** Class names for classification sets, index = class id. */
  readonly classNames?: readonly string[];
  /** Feature (column) names, when known. */
  readonly featureNames?: readonly string[];
  /** Where the data came from, for error messages (a path or a bundled set's name). */
  readonly name?: string;
}

/** Train / validation / test parts of one data set. */
export interface DataSplits {
  readonly train: ArrayDataset;
  readonly validation: ArrayDataset;
  readonly test: ArrayDataset;
}
