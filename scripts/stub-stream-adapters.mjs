// Replaces the bodies of wasm-streams' stream adapters (IntoUnderlyingSource,
// IntoUnderlyingByteSource, IntoUnderlyingSink) in wasm-bindgen's output with a single
// `unreachable`, before build-widget.sh optimizes it.
//
// Why it exists: leptos links server_fn, which links wasm-streams, whose adapters are
// `#[wasm_bindgen]` classes. build-widget.sh removes their exports, but the futures
// their methods hand to `future_to_promise` (and those futures' drop glue) were given
// slots in the function table at link time, and no optimizer may drop a table entry:
// JS can call any of them. A client-only widget never creates an adapter, so that code
// can never run; it weighed 2.7 KB (brotli) of every shopper's download.
//
// What is stubbed: every function whose name (the wasm's name section) mentions the
// adapters (`wasm_streams::readable::into_underlying…`,
// `wasm_streams::writable::into_underlying…`), and every `future_to_promise` closure
// (or vtable shim of one) that calls one of them or is called only by stubbed ones.
// The guard: binaryen's call graph must show that every chain
// of calls into a stubbed function starts at a stubbed function or at the adapters' own
// exports (`*intounderlying*`, which build-widget.sh removes); otherwise the build
// stops instead of stubbing.
//
//   node scripts/stub-stream-adapters.mjs <module.wasm> <wasm-opt> [wasm-opt feature flag...]
//   (rewrites module.wasm in place; prints how many functions were stubbed)
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { encodeLeb, importedFunctionCount, readLeb as readLebAt, readSections } from './lib/wasm-binary.mjs';

const [wasmPath, wasmOpt, ...features] = process.argv.slice(2);
if (!wasmPath || !wasmOpt) {
  console.error('usage: node scripts/stub-stream-adapters.mjs <module.wasm> <wasm-opt> [feature flag...]');
  process.exit(2);
}
const fail = (message) => {
  console.error(`widget: error: ${message}; update ${process.argv[1]}`);
  process.exit(1);
};

const ADAPTER = /wasm_streams::(readable|writable)::into_underlying_/;
// `future_to_promise`'s closures, and the vtable shims its `Promise` executor is
// called through: monomorphic, so one that calls an adapter's code exists only for it.
const PROMISE_CLOSURE = /^(js_sys::futures::future_to_promise::\{\{closure\}\}|core::ops::function::FnOnce::call_once\{\{vtable\.shim\}\})/;
const ADAPTER_EXPORT = /intounderlying/i;

const bytes = readFileSync(wasmPath);

const readLeb = (at) => readLebAt(bytes, at);
const leb = encodeLeb;
const sections = readSections(bytes);

const importedFunctions = importedFunctionCount(bytes);

// The name section's function names (subsection 1): index -> name.
const names = new Map();
for (const [id, start, end] of sections) {
  if (id !== 0) continue;
  let [length, at] = readLeb(start);
  if (bytes.toString('utf8', at, at + length) !== 'name') continue;
  at += length;
  while (at < end) {
    const subsection = bytes[at];
    const [size, contents] = readLeb(at + 1);
    if (subsection === 1) {
      let [count, entry] = readLeb(contents);
      for (; count > 0; count -= 1) {
        const [index, nameAt] = readLeb(entry);
        const [nameLength, text] = readLeb(nameAt);
        names.set(index, bytes.toString('utf8', text, text + nameLength));
        entry = text + nameLength;
      }
    }
    at = contents + size;
  }
}
if (names.size === 0) fail(`${wasmPath} has no function names`);

// binaryen's call graph: `  "caller" -> "callee"; // call`.
const graph = execFileSync(wasmOpt, [...features, '--print-call-graph', wasmPath, '-o', '/dev/null'], {
  encoding: 'utf8',
  maxBuffer: 1 << 28,
});
const edges = [...graph.matchAll(/^ {2}"([^"]+)" -> "([^"]+)"; \/\/ call$/gm)].map(([, caller, callee]) => [
  caller,
  callee,
]);

const callers = new Map();
const callees = new Map();
for (const [caller, callee] of edges) {
  if (!callers.has(callee)) callers.set(callee, new Set());
  callers.get(callee).add(caller);
  if (!callees.has(caller)) callees.set(caller, new Set());
  callees.get(caller).add(callee);
}
// A promise closure is stubbed when it calls stubbed code, or when everything that
// calls it is stubbed (the executor closure a stubbed vtable shim used to call).
const stubbed = new Set([...names.values()].filter((name) => ADAPTER.test(name)));
const onlyCalledByStubs = (name) => callers.has(name) && [...callers.get(name)].every((caller) => stubbed.has(caller));
for (let grown = true; grown; ) {
  grown = false;
  for (const name of names.values()) {
    if (stubbed.has(name) || !PROMISE_CLOSURE.test(name)) continue;
    const calls = [...(callees.get(name) ?? [])].some((callee) => stubbed.has(callee));
    if (calls || onlyCalledByStubs(name)) {
      stubbed.add(name);
      grown = true;
    }
  }
}
if (stubbed.size === 0) {
  console.log('widget: no wasm-streams stream adapters found: nothing to stub');
  process.exit(0);
}
// Whether every path of calls into `name` starts at a stubbed function or an adapter's
// export (generic code such as `Abortable::try_poll`, monomorphized for an adapter,
// sits in between). A function nothing calls is a root (an export, or in the table):
// then `name` might be reached from elsewhere, and the answer is no.
function onlyFromAdapters(name, visiting = new Set()) {
  if (stubbed.has(name) || ADAPTER_EXPORT.test(name) || visiting.has(name)) return true;
  const from = callers.get(name);
  if (!from) return false;
  visiting.add(name);
  return [...from].every((caller) => onlyFromAdapters(caller, visiting));
}
for (const [caller, callee] of edges) {
  if (stubbed.has(callee) && !onlyFromAdapters(caller)) {
    fail(`${caller} calls ${callee} and is reached from outside the stream adapters`);
  }
}

// The code section: a vector of bodies; a stub is "no locals, unreachable, end".
const STUB = Buffer.from([0x00, 0x00, 0x0b]);
const code = sections.find(([id]) => id === 10);
let [count, at] = readLeb(code[1]);
const bodies = [leb(count)];
let replaced = 0;
for (let index = importedFunctions; count > 0; count -= 1, index += 1) {
  const [size, body] = readLeb(at);
  if (stubbed.has(names.get(index))) {
    bodies.push(leb(STUB.length), STUB);
    replaced += 1;
  } else {
    bodies.push(bytes.subarray(at, body + size));
  }
  at = body + size;
}
const contents = Buffer.concat(bodies);
writeFileSync(
  wasmPath,
  Buffer.concat([bytes.subarray(0, code[3]), Buffer.from([10]), leb(contents.length), contents, bytes.subarray(code[2])]),
);
console.log(`widget: stubbed ${replaced} functions of wasm-streams' stream adapters`);
