/**
 * The pooling geometry of a MaxPoolGrad. tfjs-core's maxPool gradient hands the kernel the filter,
 * strides and pad but not the dimRoundingMode, so with `pad` a number and rounding 'ceil' or 'round'
 * the geometry computed from the attributes alone (floor) does not match dy, and the cpu backend
 * drops the last row or column of dy. Here the rounding is the one whose output shape is dy's.
 */
import * as tf from '@tensorflow/tfjs-core';

export function maxPoolGradGeometry(inputShape: number[], dyShape: number[], attrs: Pick<tf.MaxPoolGradAttrs, 'filterSize' | 'strides' | 'pad' | 'dimRoundingMode'>): tf.backend_util.Conv2DInfo {
  const compute = (rounding: 'floor' | 'round' | 'ceil' | undefined) =>
    tf.backend_util.computePool2DInfo(inputShape as [number, number, number, number], attrs.filterSize, attrs.strides, 1, attrs.pad, rounding);
  const given = compute(attrs.dimRoundingMode);
  if (attrs.dimRoundingMode !== undefined || typeof attrs.pad !== 'number' || given.outShape.join() === dyShape.join()) return given;
  return [compute('ceil'), compute('round')].find((info) => info.outShape.join() === dyShape.join()) ?? given;
}
