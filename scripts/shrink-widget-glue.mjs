// Rewrites wasm-bindgen's JS glue (pkg/alsobought.js) to the import/export names that
// `wasm-opt --minify-imports-and-exports-and-modules` gave the wasm, then minifies it.
//
// Why it exists: wasm-bindgen names every import `__wbg_<method>_<16 hex digits>` and
// writes each name twice, once in the wasm and once in the JS; the hashes do not
// compress, and with ~150 imports they cost about 2.3 KB (brotli) in the wasm alone.
// binaryen renames them to one or two letters and prints the mapping (JSON on stdout);
// this script applies the same mapping to the glue, so both halves agree again, and
// then runs terser (comments, whitespace, local names). Measured in docs/widget-size.md.
//
//   node scripts/shrink-widget-glue.mjs <glue.js> <minified.wasm> <mapping.json> [removed class...]
//   (rewrites glue.js; each removed class is an exported JS class whose wasm exports are gone)
import { readFileSync, writeFileSync } from 'node:fs';
import { minify } from 'terser';

const [gluePath, wasmPath, mappingPath, ...removedClasses] = process.argv.slice(2);
if (!gluePath || !wasmPath || !mappingPath) {
  console.error('usage: node scripts/shrink-widget-glue.mjs <glue.js> <minified.wasm> <mapping.json> [removed class...]');
  process.exit(2);
}

// binaryen prints the mapping as JSON, but the import list may be empty, and it
// lists [module, old name, new name] for imports and [old name, new name] for exports.
const mapping = JSON.parse(readFileSync(mappingPath, 'utf8'));
let glue = readFileSync(gluePath, 'utf8');

const escape = (text) => text.replace(/[$.*+?^()[\]{}|\\]/g, '\\$&');
// A whole identifier only: `__wbindgen_free` must not match inside `..._sink_free`.
const identifier = (name) => `(?<![\\w$])${escape(name)}(?![\\w$])`;

function replaceExactly(pattern, replacement, expectAtLeast, what) {
  let count = 0;
  glue = glue.replace(pattern, (...match) => {
    count += 1;
    return typeof replacement === 'function' ? replacement(...match) : replacement;
  });
  if (count < expectAtLeast) {
    throw new Error(`${what} not found in ${gluePath}: the wasm-bindgen glue changed shape; update ${process.argv[1]}`);
  }
}

// Exports build-widget.sh removed from the wasm (wasm-streams' stream adapters, which
// leptos links through server_fn and a client-only widget never creates) lose their
// JS classes too; their finalization registries only serve those classes.
for (const removed of removedClasses) {
  replaceExactly(new RegExp(`^export class ${removed} \\{[\\s\\S]*?^\\}\\n`, 'm'), '', 1, `class ${removed}`);
  replaceExactly(new RegExp(`^if \\(Symbol\\.dispose\\) ${removed}\\.prototype.*\\n`, 'm'), '', 1, `dispose of ${removed}`);
  replaceExactly(new RegExp(`^const ${removed}Finalization = [\\s\\S]*?;\\n`, 'm'), '', 1, `finalization of ${removed}`);
}
// Imports that only those (or other code wasm-opt removed) used are no longer imported;
// their entries in the imports object go. wasm-bindgen writes each entry as
// `        name: function(...) {` ... `        },` (8 spaces), or, for a call that may
// throw, `        name: function() { return handleError(function (...) {` ...
// `        }, arguments); },`.
const mapped = new Set(mapping.imports.map(([, name]) => name));
glue = glue.replace(
  /^ {8}(__wbg_[\w$]+): function\([^)]*\) \{(?: return handleError\(function \([^)]*\) \{)?\n[\s\S]*?^ {8}\}(?:, arguments\); \})?,\n/gm,
  (entry, name) => (mapped.has(name) ? entry : ''),
);
// `initSync` instantiates the module synchronously; this module has instantiated itself
// by the time an importer could call it (the start-up code's top-level await), so it
// could only hand back that instance: it is not exported (tests/e2e's embedding spec
// lists the module's exports).
replaceExactly(/^function initSync\(module\) \{\n[\s\S]*?^\}\n/m, '', 1, 'initSync');
replaceExactly(/^export \{ initSync, __wbg_init as default \};$/m, 'export { __wbg_init as default };', 1, 'the glue\'s exports');
// wasm-bindgen's warning for a wasm served without `application/wasm`, in the widget's
// words (its own ran to 190 characters of every download).
replaceExactly(
  /console\.warn\("`WebAssembly\.instantiateStreaming` failed because[^"]*", e\)/,
  "console.warn('alsobought: alsobought_bg.wasm is not served with Content-Type application/wasm, so it compiles the slower way:', e)",
  1,
  'the instantiateStreaming warning',
);
// The same for its warning about an init call in wasm-bindgen's old form (a bare path
// or module instead of one object).
replaceExactly(
  /console\.warn\('using deprecated parameters for the initialization function; pass a single object instead'\)/,
  "console.warn('alsobought: pass default() one object, { module_or_path }')",
  1,
  'the deprecated-parameters warning',
);
// wasm-bindgen's `debugString` renders a JS value for `<JsValue as Debug>`, which this
// wasm reaches only from `Result::unwrap` panics (tachys' `.unwrap()`s of DOM calls): a
// panic's message goes nowhere in this build (panic = "abort", no panic hook, and std
// on wasm32-unknown-unknown has no stderr), so the renderer (0.6 KB minified, 224 B brotli)
// is replaced by `String`, kept from throwing for values without a string form.
replaceExactly(
  /^function debugString\(val\) \{\n[\s\S]*?^\}\n/m,
  'function debugString(val) {\n    try { return String(val); } catch { return typeof val; }\n}\n',
  1,
  'debugString',
);
// `x instanceof C` throws only when `C` is no constructor; every class the widget asks
// about (Element, Map, Promise, ShadowRoot, Window, ...) is one in any browser that runs
// it, so wasm-bindgen's try/catch around each test is left out.
replaceExactly(
  /\{\n\s*let result;\n\s*try \{\n\s*result = (\w+) instanceof ([\w$]+);\n\s*\} catch \(_\) \{\n\s*result = false;\n\s*\}\n\s*const ret = result;\n\s*return ret;\n(\s*)\}/g,
  (_, value, constructor, indent) => `{\n${indent}    return ${value} instanceof ${constructor};\n${indent}}`,
  1,
  'instanceof tests',
);
// The wasm keeps JS values in an `externref` table, so only a browser with reference
// types runs it (Chrome 96, Firefox 79, Safari 15), and each of those has
// `TextEncoder.encodeInto` and `FinalizationRegistry`: wasm-bindgen's stand-ins for
// older browsers are left out.
replaceExactly(/^if \(!\('encodeInto' in cachedTextEncoder\)\) \{\n[\s\S]*?^\}\n/m, '', 1, 'the encodeInto stand-in');
replaceExactly(
  /\(typeof FinalizationRegistry === 'undefined'\)\n\s*\? \{ register: \(\) => \{\}, unregister: \(\) => \{\} \}\n\s*: new FinalizationRegistry/g,
  'new FinalizationRegistry',
  1,
  'the FinalizationRegistry stand-in',
);
const modules = new Set(mapping.imports.map(([module]) => module));
for (const [, name, renamed] of mapping.imports) {
  // Imports are the keys of the object wasm-bindgen hands to instantiate: `name: function`.
  replaceExactly(new RegExp(`${identifier(name)}(?=:)`, 'g'), renamed, 1, `import ${name}`);
}
// The mapping does not list the renamed module: read it from the wasm itself.
const wasmModules = new Set(
  WebAssembly.Module.imports(new WebAssembly.Module(readFileSync(wasmPath))).map(({ module }) => module),
);
if (modules.size !== 1 || wasmModules.size !== 1) {
  throw new Error(`expected one import module on each side, found ${[...modules]} and ${[...wasmModules]}`);
}
const [module] = modules;
const [renamedModule] = wasmModules;
replaceExactly(new RegExp(`"${escape(module)}"(?=:)`, 'g'), JSON.stringify(renamedModule), 1, `import module ${module}`);
for (const [name, renamed] of mapping.exports) {
  // Exports are read as `wasm.name` (the instance's exports object).
  replaceExactly(new RegExp(`(?<=\\bwasm\\.)${escape(name)}(?![\\w$])`, 'g'), renamed, 0, `export ${name}`);
}

// `unsafe_arrows` writes a `function` that uses neither `this` nor `arguments` as an
// arrow (the ~150 import functions), `unsafe_methods` the other entries of the imports
// object as methods (`name(arg) {...}`): "unsafe" only for code that calls such a
// function with `new` or reads its `prototype`, which the glue and the start-up code
// never do (the wasm calls its imports as plain functions). `ecma: 2020` permits it; the
// start-up code needs newer browsers anyway (top-level await). `reduce_funcs: false`
// leaves a function called once where it is declared instead of writing it out at
// the call: 54 bytes more raw, 27 fewer in brotli (measured, docs/widget-size.md).
const minified = await minify(glue, {
  module: true,
  compress: { ecma: 2020, passes: 2, unsafe_arrows: true, reduce_funcs: false, unsafe_methods: true },
  mangle: true,
  format: { comments: false },
});
writeFileSync(gluePath, minified.code);
