// Gives the wasm's imports whose JS is the same function one name, so that
// `wasm-opt --duplicate-import-elimination` (build-widget.sh) keeps one of them.
//
// Why it exists: wasm-bindgen writes one import per web-sys binding, so `length` of an
// Array, a NodeList, an HTMLCollection and a Uint8Array are four imports with the same
// body (`arg0.length`), each an entry in the JS glue and in the wasm's import section;
// the same for `item`, `querySelector` and indexed `get`. Imports are merged only when
// their JS is the same text and their wasm types are the same, so every call does what
// it did. The entries of the renamed imports leave the glue with the other imports
// the wasm no longer has (scripts/shrink-widget-glue.mjs). Measured in
// docs/widget-size.md.
//
//   node scripts/merge-duplicate-imports.mjs <glue.js> <module.wasm>   (rewrites the wasm)
import { readFileSync, writeFileSync } from 'node:fs';
import { encodeLeb, readLeb as readLebAt, readSections } from './lib/wasm-binary.mjs';

const [gluePath, wasmPath] = process.argv.slice(2);
if (!gluePath || !wasmPath) {
  console.error('usage: node scripts/merge-duplicate-imports.mjs <glue.js> <module.wasm>');
  process.exit(2);
}

// The glue's import entries, as scripts/shrink-widget-glue.mjs reads them: a name and
// its function, which may call the import through `handleError`.
const glue = readFileSync(gluePath, 'utf8');
const entry =
  /^ {8}(__wbg_[\w$]+): (function\([^)]*\) \{(?: return handleError\(function \([^)]*\) \{)?\n[\s\S]*?^ {8}\}(?:, arguments\); \})?),\n/gm;
const bodyOf = new Map([...glue.matchAll(entry)].map(([, name, body]) => [name, body]));
if (bodyOf.size === 0) {
  throw new Error(`no import entries found in ${gluePath}: the wasm-bindgen glue changed shape; update ${process.argv[1]}`);
}

const bytes = readFileSync(wasmPath);
const readLeb = (at) => readLebAt(bytes, at);
const importSection = readSections(bytes).find(([id]) => id === 2);
const imports = [];
let [count, at] = readLeb(importSection[1]);
for (; count > 0; count -= 1) {
  const [moduleLength, moduleAt] = readLeb(at);
  const [nameLength, nameAt] = readLeb(moduleAt + moduleLength);
  const module = bytes.toString('utf8', moduleAt, moduleAt + moduleLength);
  const name = bytes.toString('utf8', nameAt, nameAt + nameLength);
  const kind = bytes[nameAt + nameLength];
  at = nameAt + nameLength + 1;
  let type = null;
  if (kind === 0) {
    [type, at] = readLeb(at); // a function: its type index
  } else if (kind === 1 || kind === 2) {
    if (kind === 1) at += 1; // a table's element type
    const flags = bytes[at];
    [, at] = readLeb(at + 1); // the minimum
    if (flags & 1) [, at] = readLeb(at); // the maximum
  } else if (kind === 3) {
    at += 2; // a global's value type and mutability
  } else {
    throw new Error(`import ${module}.${name} has kind ${kind}, which ${process.argv[1]} does not know`);
  }
  imports.push({ module, name, type, rest: bytes.subarray(nameAt + nameLength, at) });
}

// The first import of each (JS body, wasm type) names them all.
const first = new Map();
let merged = 0;
for (const item of imports) {
  const body = bodyOf.get(item.name);
  if (item.type === null || body === undefined) continue;
  const key = `${item.module}\n${item.type}\n${body}`;
  const kept = first.get(key);
  if (kept === undefined) {
    first.set(key, item.name);
  } else {
    item.name = kept;
    merged += 1;
  }
}

const text = (value) => {
  const encoded = Buffer.from(value, 'utf8');
  return [encodeLeb(encoded.length), encoded];
};
const contents = Buffer.concat([
  encodeLeb(imports.length),
  ...imports.flatMap(({ module, name, rest }) => [...text(module), ...text(name), rest]),
]);
const [, , end, header] = importSection;
writeFileSync(
  wasmPath,
  Buffer.concat([bytes.subarray(0, header), Buffer.from([2]), encodeLeb(contents.length), contents, bytes.subarray(end)]),
);
console.log(`widget: ${merged} imports share another import's name (the same JS and type)`);
