/**
 * A persistent study that survives a crash. Phase 1 runs the study in a child process that kills
 * itself (SIGKILL: no cleanup, no goodbye) in the middle of a trial. Phase 2 reopens the same SQLite
 * file: the finished trials are all there, the trial that was running is marked failed
 * ('interrupted') and, with `onInterrupted: 'retry'`, its parameters are queued again; the study then
 * carries on to the 20 trials asked for. Runs in a few seconds.
 *
 *   node --conditions=rxtrain-source --import=tsx examples/sqlite-resume.ts [file.db]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lastValueFrom, tap } from 'rxjs';
import { study, sqliteStorage, space, uniform, tpeSampler } from 'rxtrain';

const TOTAL = 20;
const [, , pathArg, role] = process.argv;
const path = pathArg ?? join(mkdtempSync(join(tmpdir(), 'rxtrain-resume-')), 'study.db');

async function run(dieAfter?: number): Promise<void> {
  const storage = sqliteStorage(path);
  const s = study({
    name: 'rosenbrock',
    direction: 'minimize',
    storage,
    space: space({ x: uniform(-2, 2), y: uniform(-1, 3) }),
    sampler: tpeSampler({ seed: 1 }),
    onInterrupted: 'retry',
  });
  for (const t of s.interrupted) console.log(`  trial ${t.number} was interrupted; its parameters are queued again`);
  // `trials` counts the trials this call starts: ask only for what the study still lacks.
  const finished = s.trials(['completed', 'pruned']).length;
  console.log(`  ${finished} finished trials in ${path}`);
  let done = 0;
  await lastValueFrom(
    s
      .optimize(
        async (trial) => {
          const { x, y } = trial.params;
          if (dieAfter !== undefined && done === dieAfter) process.kill(process.pid, 'SIGKILL');
          await new Promise((r) => setTimeout(r, 20)); // a slow objective
          return (1 - x) ** 2 + 100 * (y - x * x) ** 2;
        },
        { trials: TOTAL - finished },
      )
      .pipe(tap((e) => e.type === 'trialCompleted' && done++)),
  );
  const best = s.best();
  console.log(`  ${s.trials(['completed']).length} completed; best ${best?.value?.toFixed(4)} at trial ${best?.number}`);
  storage.close();
}

if (role === '--worker') {
  await run(7);
} else {
  console.log('phase 1: a worker runs the study and is killed mid-trial');
  const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), path, '--worker'], { stdio: 'inherit' });
  console.log(`  worker ended by ${child.signal ?? `exit code ${child.status}`}`);
  console.log('phase 2: reopen the study and finish it');
  await run();
}
