/**
 * One member of examples/pbt-digits.ts and bench/pbt.ts: an MLP 64-32-10 with SGD + momentum 0.9 on
 * the bundled digits (60/20/20 split, seed 42). With `pbt(space, { module: <this file> }, { workers })`
 * each worker thread imports this module and calls its default export for the members it hosts.
 */
import { digits, layersMember, mlp, optimizer, split, type PbtMember, type PbtMemberInput } from 'rxtrain';

export type LrParams = { lr: number };

export const { train: data, validation, test } = split(digits(), { validation: 0.2, test: 0.2, seed: 42 });
export const makeModel = (seed: number) => mlp({ inputShape: [64], units: [32], classes: 10, seed });
export const makeOptimizer = (lr: number) => optimizer({ name: 'momentum', lr, momentum: 0.9 });

export default function digitsMember({ seed, params }: PbtMemberInput<LrParams>): PbtMember<LrParams> {
  return layersMember({ model: makeModel(seed), optimizer: makeOptimizer(params.lr), data, validation, batchSize: 32, seed });
}
