// Renames the functions in the name section of wasm-bindgen's output to
// `<crate> <signature> <name>`, so that `wasm-opt --reorder-functions-by-name`
// (build-widget.sh) lays out each crate's functions together and, within a crate, the
// functions of one signature together.
//
// Why it exists: brotli compresses a function best next to functions like it, and the
// order the functions end up in moved the download by kilobytes. Sorted by plain name
// the widget was 0.4–0.5 KB (brotli) larger than sorted by crate, then signature,
// then name (measured on two trees, docs/widget-size.md). Only the names change, and
// the output keeps none (wasm-opt writes no name section without -g): the code is
// the same, in another order.
//
//   node scripts/order-functions.mjs <module.wasm>   (rewrites it in place)
import { readFileSync, writeFileSync } from 'node:fs';
import { encodeLeb, importedFunctionCount, readLeb as readLebAt, readSections } from './lib/wasm-binary.mjs';

const [wasmPath] = process.argv.slice(2);
if (!wasmPath) {
  console.error('usage: node scripts/order-functions.mjs <module.wasm>');
  process.exit(2);
}
const bytes = readFileSync(wasmPath);

const readLeb = (at) => readLebAt(bytes, at);
const leb = encodeLeb;
const sections = readSections(bytes);

const importedFunctions = importedFunctionCount(bytes);

// The function section: the signature (type index) of each defined function.
const functionSection = sections.find(([id]) => id === 3);
const signatures = [];
{
  let [count, at] = readLeb(functionSection[1]);
  for (; count > 0; count -= 1) {
    const [type, next] = readLeb(at);
    signatures.push(type);
    at = next;
  }
}

// The crate a Rust name belongs to: `alsobought::…`, `<tachys::…>`, `core::ptr::…`.
const crateOf = (name) => /^[<&]*([A-Za-z_0-9]+)/.exec(name)?.[1] ?? '';

const nameSection = sections.find(([id, start]) => {
  if (id !== 0) return false;
  const [length, at] = readLeb(start);
  return bytes.toString('utf8', at, at + length) === 'name';
});
if (!nameSection) {
  console.log('widget: no name section: the functions keep their order');
  process.exit(0);
}
const [, start, end, header] = nameSection;
const [nameLength, afterName] = readLeb(start);
const subsections = [bytes.subarray(start, afterName + nameLength)];
let renamed = 0;
for (let at = afterName + nameLength; at < end; ) {
  const subsection = bytes[at];
  const [size, contents] = readLeb(at + 1);
  if (subsection !== 1) {
    subsections.push(bytes.subarray(at, contents + size));
  } else {
    let [count, entry] = readLeb(contents);
    const entries = [leb(count)];
    for (; count > 0; count -= 1) {
      const [index, lengthAt] = readLeb(entry);
      const [length, text] = readLeb(lengthAt);
      let name = bytes.toString('utf8', text, text + length);
      if (index >= importedFunctions) {
        const signature = String(signatures[index - importedFunctions]).padStart(4, '0');
        name = `${crateOf(name)} ${signature} ${name}`;
        renamed += 1;
      }
      const encoded = Buffer.from(name, 'utf8');
      entries.push(leb(index), leb(encoded.length), encoded);
      entry = text + length;
    }
    const body = Buffer.concat(entries);
    subsections.push(Buffer.from([1]), leb(body.length), body);
  }
  at = contents + size;
}
const contents = Buffer.concat(subsections);
writeFileSync(
  wasmPath,
  Buffer.concat([bytes.subarray(0, header), Buffer.from([0]), leb(contents.length), contents, bytes.subarray(end)]),
);
console.log(`widget: ${renamed} functions named for their order (crate, signature, name)`);
