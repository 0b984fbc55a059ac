/**
 * The toy problem of the PBT paper (Jaderberg et al. 2017, Fig. 2): maximise
 * Q(θ) = 1.2 − (θ0² + θ1²) while each member only climbs a surrogate Q̂(θ|h) = 1.2 − (h0·θ0² + h1·θ1²),
 * h being its hyperparameters. A member that keeps h = (1, 0) never shrinks θ1, so Q stalls at
 * 1.2 − 0.81; PBT finds that h must change. θ is a tf variable and every step is a gradient step of a
 * tfjs optimizer on −Q̂.
 */
import * as tf from '@tensorflow/tfjs-core';
import '../backend/gradients.js';
import { Observable } from 'rxjs';
import { space, uniform } from '../search/space.js';
import { needCheckpoints } from './need-checkpoints.js';
import type { MemberEpochEnd, PbtMember } from './types.js';

/** The toy's hyperparameters: the surrogate's weights h0, h1 in [0, 1]. */
export const toySpace = space({ h0: uniform(0, 1), h1: uniform(0, 1) });
export type ToyParams = { h0: number; h1: number };

/** The true objective. */
export function toyQ(theta0: number, theta1: number): number {
  return 1.2 - (theta0 * theta0 + theta1 * theta1);
}

export interface ToyMemberConfig {
  /** Step size of the gradient ascent (default 0.02). */
  readonly lr?: number;
  /** Starting θ (default (0.9, 0.9), as in the paper). */
  readonly theta?: readonly [number, number];
}

/**
 * A toy member: θ as a tf variable, one SGD step on −Q̂ per "epoch"; its `epochEnd` metrics are
 * `Q` (the true objective), `theta0` and `theta1`. Its checkpoint is θ (SGD has no state).
 */
export function toyMember(config: ToyMemberConfig = {}): PbtMember<ToyParams> {
  const initial = tf.tensor1d([...(config.theta ?? [0.9, 0.9])]);
  const theta = tf.variable(initial);
  initial.dispose();
  const opt = tf.train.sgd(config.lr ?? 0.02);
  let h: ToyParams = { h0: 1, h1: 1 };
  const read = (): [number, number] => {
    const v = theta.dataSync();
    return [v[0]!, v[1]!];
  };
  return {
    train(_from, steps) {
      return new Observable<MemberEpochEnd>((subscriber) => {
        for (let i = 0; i < steps && !subscriber.closed; i++) {
          tf.tidy(() => {
            const hv = tf.tensor1d([h.h0, h.h1]);
            // Minimise −Q̂ = h·θ² − 1.2: a gradient ascent step on Q̂.
            opt.minimize(() => tf.sub(tf.sum(tf.mul(hv, tf.square(theta))), tf.scalar(1.2)) as tf.Scalar);
          });
          const [t0, t1] = read();
          subscriber.next({ type: 'epochEnd', metrics: { Q: toyQ(t0, t1), theta0: t0, theta1: t1 } });
        }
        subscriber.complete();
      });
    },
    setParams(params) {
      h = { ...params };
    },
    save: (checkpoint, checkpoints) => needCheckpoints('toyMember()', checkpoints).save(checkpoint, { variables: { theta } }),
    load: (checkpoint, checkpoints) => needCheckpoints('toyMember()', checkpoints).load(checkpoint, { variables: { theta } }),
    dispose() {
      theta.dispose();
      opt.dispose();
    },
  };
}
