/** The shared sampler contract (./sampler-contract.ts), run against every sampler. */
import t from 'tap';
import { cmaEsSampler } from '../../lib/search/samplers/cma-es-sampler.js';
import { gpSampler } from '../../lib/search/samplers/gp-sampler.js';
import { gridSampler } from '../../lib/search/samplers/grid-sampler.js';
import { qmcSampler } from '../../lib/search/samplers/qmc-sampler.js';
import { randomSampler } from '../../lib/search/samplers/random-sampler.js';
import { tpeSampler } from '../../lib/search/samplers/tpe-sampler.js';
import { samplerContract } from './sampler-contract.js';

t.test('random', async (t) => samplerContract(t, (seed) => randomSampler({ seed })));
t.test('grid', async (t) => samplerContract(t, (seed) => gridSampler({ seed, points: 3 })));
t.test('tpe', async (t) => samplerContract(t, (seed) => tpeSampler({ seed, nStartup: 5 })));
t.test('tpe multivariate', async (t) => samplerContract(t, (seed) => tpeSampler({ seed, nStartup: 5, multivariate: true })));
t.test('gp', async (t) => samplerContract(t, (seed) => gpSampler({ seed, nStartup: 5, nCandidates: 200 })));
t.test('cma-es', async (t) => samplerContract(t, (seed) => cmaEsSampler({ seed })));
t.test('qmc sobol', async (t) => samplerContract(t, (seed) => qmcSampler({ seed })));
t.test('qmc halton', async (t) => samplerContract(t, (seed) => qmcSampler({ seed, sequence: 'halton' })));
