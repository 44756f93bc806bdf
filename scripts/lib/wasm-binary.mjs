// The few pieces of the WebAssembly binary format that the widget build's post-processing
// scripts (order-functions.mjs, stub-stream-adapters.mjs) need: LEB128 numbers, the
// section list, and how many functions are imported (defined functions are numbered
// after them).

/** Reads the unsigned LEB128 number at `at`; returns [value, offset after it]. */
export function readLeb(bytes, at) {
  let value = 0;
  let shift = 0;
  for (;;) {
    const byte = bytes[at++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if (byte < 0x80) return [value, at];
  }
}

/** `value` as unsigned LEB128. */
export function encodeLeb(value) {
  const out = [];
  do {
    let byte = value & 0x7f;
    value = Math.floor(value / 128);
    if (value > 0) byte |= 0x80;
    out.push(byte);
  } while (value > 0);
  return Buffer.from(out);
}

/** The module's sections, as [id, start of contents, end, start of the section header]. */
export function readSections(bytes) {
  const sections = [];
  for (let at = 8; at < bytes.length; ) {
    const id = bytes[at];
    const [size, start] = readLeb(bytes, at + 1);
    sections.push([id, start, start + size, at]);
    at = start + size;
  }
  return sections;
}

/** How many functions the module imports: its own functions are numbered after them. */
export function importedFunctionCount(bytes) {
  return WebAssembly.Module.imports(new WebAssembly.Module(bytes)).filter(({ kind }) => kind === 'function').length;
}
