/**
 * One operator a file, named after it, as RxJS does (docs/architecture.md, "Operator files"): each
 * operators/*.ts file (not the barrel, not internal/) exports exactly one value at run time, the
 * operator whose name is the file's (`reduce-lr-on-plateau.ts` → `reduceLROnPlateau`; the case of an
 * acronym aside). Its config and event types may sit beside it; they are erased, so the module's keys
 * are the runtime exports. The schedule factories of operators/schedules/ follow the same rule;
 * schedule.ts there holds their types only. (Issue 16 item 5.)
 */
import t from 'tap';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The .ts files directly in `dir` (relative to the repository), but `skip`. */
function filesIn(dir: string, skip: readonly string[] = []): string[] {
  return readdirSync(join(root, dir))
    .filter((name) => name.endsWith('.ts') && !skip.includes(name) && statSync(join(root, dir, name)).isFile())
    .map((name) => `${dir}/${name}`);
}

/** `reduce-lr-on-plateau.ts` → `reducelronplateau`: the export's name, compared without case. */
const nameOf = (file: string): string => file.slice(file.lastIndexOf('/') + 1, -'.ts'.length).replace(/-/g, '').toLowerCase();

async function runtimeExports(file: string): Promise<string[]> {
  // The test runs through tsx, which loads the .ts source for the .js specifier, as the sources import each other.
  const module: Record<string, unknown> = await import(pathToFileURL(join(root, file.replace(/\.ts$/, '.js'))).href);
  return Object.keys(module).sort();
}

t.test('each operator file exports one value: the operator named after the file', async (t) => {
  const files = [...filesIn('operators', ['index.ts', 'browser.ts']), ...filesIn('operators/schedules', ['schedule.ts'])];
  t.ok(files.length >= 20, `${files.length} operator and schedule files`);
  for (const file of files) {
    const names = await runtimeExports(file);
    t.ok(names.length === 1 && names[0]!.toLowerCase() === nameOf(file),
      `${file}: one runtime export, named after the file (found: ${names.join(', ') || 'none'}; helpers go to operators/internal/)`);
  }
});

t.test('operators/schedules/schedule.ts holds types only', async (t) => {
  t.same(await runtimeExports('operators/schedules/schedule.ts'), [], 'no runtime export');
});

t.test('the operators are the public surface: operators/index.ts re-exports each one', async (t) => {
  const files = [...filesIn('operators', ['index.ts', 'browser.ts']), ...filesIn('operators/schedules', ['schedule.ts'])];
  const index = new Set((await runtimeExports('operators/index.ts')).map((n) => n.toLowerCase()));
  for (const file of files) t.ok(index.has(nameOf(file)), `operators/index.ts exports the one of ${file}`);
});

/** Every .ts file under `dir`, recursively. */
function sources(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const path = `${dir}/${name}`;
    if (statSync(join(root, path)).isDirectory()) return sources(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

t.test("'as unknown as' casts do not come back", async (t) => {
  // What is left (issue 16 item 5): lib/backend/kernels/kernel-attrs.ts, the one place a kernel's
  // NamedAttrMap becomes tfjs's typed *Attrs (not assignable, nothing to check at run time), and two in
  // examples/regularization.ts (study events carry untyped Params). Lower the number when one goes.
  const MAX = 3;
  const found = ['lib', 'operators', 'bin', 'examples'].flatMap(sources).flatMap((file) => {
    const count = readFileSync(join(root, file), 'utf8').split('as unknown as').length - 1;
    return count > 0 ? [`${file} (${count})`] : [];
  });
  const total = found.reduce((n, f) => n + Number(/\((\d+)\)$/.exec(f)![1]), 0);
  t.ok(total <= MAX, `${total} 'as unknown as' casts in lib/, operators/, bin/, examples/ (at most ${MAX}): narrow with a type guard (isEvent for events) instead. Where: ${found.join(', ')}`);
});
