/**
 * The toy example of the PBT paper (Jaderberg et al. 2017, Fig. 2), reproduced with `pbt()`:
 * maximise Q(θ) = 1.2 − (θ0² + θ1²) when each member only climbs Q̂(θ|h) = 1.2 − (h0·θ0² + h1·θ1²).
 * Two members start at θ = (0.9, 0.9) with h = (1, 0) and (0, 1), take gradient steps (tfjs SGD,
 * step 0.02) and are ready every 4 steps; explore adds Gaussian noise (σ 0.2) to h.
 *
 * Four variants, as in the paper: PBT (exploit + explore), explore only, exploit only, and "grid"
 * (neither: h stays fixed). Prints the final Q of each (seed 0 and the median of seeds 0–9) and writes
 * docs/img/pbt-toy.svg (θ trajectories and Q over steps for seed 0).
 *
 *   node --conditions=rxtrain-source --import=tsx examples/pbt-toy.ts [--out=docs/img/pbt-toy.svg]
 */
import { writeFileSync } from 'node:fs';
import { lastValueFrom, toArray } from 'rxjs';
import { pbt, toyMember, toySpace, useBackend, type PbtEvent, type Random, type ToyParams } from 'rxtrain';

await useBackend('cpu');

const STEPS = 100;
const noise = (p: ToyParams, r: Random) => ({ h0: p.h0 + 0.2 * r.normal(), h1: p.h1 + 0.2 * r.normal() });
const variants = {
  'PBT': {},
  'explore only': { exploit: false },
  'exploit only': { explore: false },
  'grid (h fixed)': { exploit: false, explore: false },
} as const;
type Variant = keyof typeof variants;
const colours: Record<Variant, string> = { 'PBT': '#1f77b4', 'explore only': '#2ca02c', 'exploit only': '#d62728', 'grid (h fixed)': '#7f7f7f' };

function run(variant: Variant, seed: number): Promise<PbtEvent<ToyParams>[]> {
  return lastValueFrom(
    pbt(toySpace, () => toyMember({ lr: 0.02 }), {
      populationSize: 2, epochs: STEPS, readyEvery: 4, metric: 'Q', direction: 'maximize',
      initial: [{ h0: 1, h1: 0 }, { h0: 0, h1: 1 }], exploit: { quantile: 0.5 }, explore: noise, seed,
      ...variants[variant],
    }).pipe(toArray()),
  );
}

/** Per member: θ after each step (with θ at the start), and the best Q over members after each step. */
function traces(events: PbtEvent<ToyParams>[]) {
  const theta: Array<Array<[number, number]>> = [[[0.9, 0.9]], [[0.9, 0.9]]];
  const q: number[] = [];
  const jumps: Array<{ member: number; epoch: number }> = [];
  for (const e of events) {
    if (e.type === 'epochEnd') {
      theta[e.member]![e.epoch] = [e.metrics.theta0!, e.metrics.theta1!];
      q[e.epoch - 1] = Math.max(q[e.epoch - 1] ?? -Infinity, e.value);
    } else if (e.type === 'exploit') jumps.push({ member: e.member, epoch: e.epoch });
  }
  return { theta, q, jumps };
}

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return (s[4]! + s[5]!) / 2; };
const results = {} as Record<Variant, { events: PbtEvent<ToyParams>[]; finals: number[] }>;
for (const v of Object.keys(variants) as Variant[]) {
  const finals: number[] = [];
  let events: PbtEvent<ToyParams>[] = [];
  for (let seed = 0; seed < 10; seed++) {
    const es = await run(v, seed);
    if (seed === 0) events = es;
    const end = es.at(-1)!;
    if (end.type === 'pbtCompleted') finals.push(end.best.value);
  }
  results[v] = { events, finals };
  console.log(`${v.padEnd(15)} final Q: seed 0 ${finals[0]!.toFixed(4)}, median of 10 seeds ${median(finals).toFixed(4)} (min ${Math.min(...finals).toFixed(4)}, max ${Math.max(...finals).toFixed(4)})`);
}

// ------------------------------------------------------------------------------------------------
// The plot: one θ panel per variant (circles: contours of Q), and Q of the better member over steps.
const W = 1230, H = 300, P = 200, M = 30;
const parts: string[] = [];
const text = (x: number, y: number, s: string, extra = '') => parts.push(`<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" ${extra}>${s}</text>`);
Object.keys(variants).forEach((name, k) => {
  const v = name as Variant;
  const x0 = M + k * (P + 20), y0 = 40;
  const sx = (t: number) => x0 + t * P, sy = (t: number) => y0 + P - t * P;
  parts.push(`<rect x="${x0}" y="${y0}" width="${P}" height="${P}" fill="none" stroke="#999"/>`);
  for (const r of [0.2, 0.4, 0.6, 0.8, 1.0, 1.2]) parts.push(`<path d="M ${sx(r)} ${sy(0)} A ${r * P} ${r * P} 0 0 0 ${sx(0)} ${sy(r)}" fill="none" stroke="#ddd" clip-path="url(#c${k})"/>`);
  parts.push(`<clipPath id="c${k}"><rect x="${x0}" y="${y0}" width="${P}" height="${P}"/></clipPath>`);
  const { theta, jumps } = traces(results[v].events);
  theta.forEach((path, m) => {
    let d = '';
    path.forEach((p, i) => {
      const jumped = jumps.some((j) => j.member === m && j.epoch === i);
      d += `${i === 0 ? 'M' : 'L'} ${sx(p[0]).toFixed(1)} ${sy(p[1]).toFixed(1)} `;
      if (jumped) {
        // The copy: a jump to the donor's θ, drawn dotted.
        const donor = theta[1 - m]![i]!;
        parts.push(`<line x1="${sx(p[0]).toFixed(1)}" y1="${sy(p[1]).toFixed(1)}" x2="${sx(donor[0]).toFixed(1)}" y2="${sy(donor[1]).toFixed(1)}" stroke="${colours[v]}" stroke-dasharray="2 2" opacity="0.6"/>`);
        d += `M ${sx(donor[0]).toFixed(1)} ${sy(donor[1]).toFixed(1)} `;
      }
    });
    parts.push(`<path d="${d}" fill="none" stroke="${colours[v]}" stroke-width="1.5" opacity="${m === 0 ? 1 : 0.55}"/>`);
  });
  parts.push(`<circle cx="${sx(0.9)}" cy="${sy(0.9)}" r="3" fill="#000"/>`);
  text(x0 + P / 2, y0 - 8, v, `text-anchor="middle" font-weight="bold" fill="${colours[v]}"`);
  text(x0 + P / 2, y0 + P + 16, 'θ0', 'text-anchor="middle"');
  text(x0 - 14, y0 + P / 2, 'θ1', 'text-anchor="middle"');
});
// Q panel
{
  const x0 = M + 4 * (P + 20) + 40, y0 = 40, w = W - x0 - 20, h = P;
  const sx = (s: number) => x0 + (s / STEPS) * w, sy = (q: number) => y0 + h - ((q + 0.5) / 1.75) * h;
  parts.push(`<rect x="${x0}" y="${y0}" width="${w}" height="${h}" fill="none" stroke="#999"/>`);
  for (const q of [-0.4, 0, 0.4, 0.8, 1.2]) {
    parts.push(`<line x1="${x0}" x2="${x0 + w}" y1="${sy(q)}" y2="${sy(q)}" stroke="#eee"/>`);
    text(x0 - 4, sy(q) + 4, q.toFixed(1), 'text-anchor="end"');
  }
  for (const v of Object.keys(variants) as Variant[]) {
    const q = [0.9 ** 2 * -2 + 1.2, ...traces(results[v].events).q];
    parts.push(`<path d="${q.map((val, i) => `${i === 0 ? 'M' : 'L'} ${sx(i).toFixed(1)} ${sy(val).toFixed(1)}`).join(' ')}" fill="none" stroke="${colours[v]}" stroke-width="1.5"/>`);
  }
  text(x0 + w / 2, y0 - 8, 'Q(θ) of the better member', 'text-anchor="middle" font-weight="bold"');
  text(x0 + w / 2, y0 + h + 16, 'step', 'text-anchor="middle"');
}
text(M, H - 22, `Toy example of Jaderberg et al. 2017 (Fig. 2), seed 0. Circles: contours of Q = 1.2 − (θ0² + θ1²); dotted: a copy (exploit) of the other member's θ.`, 'fill="#444"');
text(M, H - 6, `Final Q, median of 10 seeds: ${(Object.keys(variants) as Variant[]).map((v) => `${v} ${median(results[v].finals).toFixed(3)}`).join(', ')}.`, 'fill="#444"');
const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">\n<rect width="100%" height="100%" fill="#fff"/>\n${parts.join('\n')}\n</svg>\n`;
const out = process.argv.find((a) => a.startsWith('--out='))?.slice(6) ?? 'docs/img/pbt-toy.svg';
writeFileSync(out, svg);
console.log(`wrote ${out}`);
