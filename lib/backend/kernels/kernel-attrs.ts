/**
 * A kernel's attributes, typed as the op that calls it sets them. tfjs hands every kernel a
 * `NamedAttrMap`; its own `*Attrs` interfaces (`BatchMatMulAttrs`, `Conv2DAttrs`, ...) say what each op
 * passes, but are not assignable from that map, and there is nothing to check at run time (the op
 * that registered under the kernel's name set them). tfjs's own kernels cast the same way; here it is
 * written once, so that the kernels' files hold no cast.
 */
import type * as tf from '@tensorflow/tfjs-core';

export function kernelAttrs<T extends object>(attrs: tf.NamedAttrMap | undefined): T {
  return attrs as unknown as T;
}
