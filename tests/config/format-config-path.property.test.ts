/**
 * Properties of `formatConfigPath`, the path every config error names: it is never empty, it reads back to the same
 * segments (a small reader below stands for the person who looks the key up in the stack file), indexes render as
 * `[n]`, plain names as `.name`, and every other key as a JSON string in brackets.
 *
 * Numbers are generated as array indexes (non-negative integers): those are the numbers config paths hold.
 */
import fc from "fast-check";
import { formatConfigPath } from "../../config/schema";

const RUNS = { numRuns: 200 };

const PLAIN_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** Reads a rendered path back into its segments; throws where it is not one `formatConfigPath` can render. */
function readConfigPath(text: string): (string | number)[] {
  if (text === "(config)") return [];
  const out: (string | number)[] = [];
  let i = 0;
  const name = (from: number) => {
    const m = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(text.slice(from));
    if (!m) throw new Error(`no name at ${from} in ${text}`);
    return m[0];
  };
  if (text[0] !== "[") {
    const n = name(0);
    out.push(n);
    i = n.length;
  }
  while (i < text.length) {
    if (text[i] === "." && out.length > 0) {
      const n = name(i + 1);
      out.push(n);
      i += 1 + n.length;
    } else if (text.startsWith('["', i)) {
      let j = i + 2;
      while (j < text.length && text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
      if (text[j + 1] !== "]") throw new Error(`unterminated key at ${i} in ${text}`);
      out.push(JSON.parse(text.slice(i + 1, j + 1)) as string);
      i = j + 2;
    } else {
      const m = /^\[(0|[1-9][0-9]*)\]/.exec(text.slice(i));
      if (!m) throw new Error(`unexpected ${JSON.stringify(text.slice(i))} in ${text}`);
      out.push(Number(m[1]));
      i += m[0].length;
    }
  }
  return out;
}

const plainName = fc.stringMatching(PLAIN_NAME);
const index = fc.nat();
/** Any key a YAML mapping can hold, lone surrogates included. */
const anyKey = fc.oneof(fc.string(), fc.string({ unit: "binary" }), fc.constantFrom("", "0", "a b", "fr-FR", '"', "\\", "]", '"]', ".", "(config)"));

describe("formatConfigPath properties", () => {
  test("GIVEN the empty path WHEN formatting THEN it renders (config)", () => {
    expect(formatConfigPath([])).toBe("(config)");
  });

  test("GIVEN any path of names, keys and indexes WHEN formatting THEN the output is never empty", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(plainName, index, anyKey), { maxLength: 8 }), (path) => {
        expect(formatConfigPath(path).length).toBeGreaterThan(0);
      }),
      RUNS,
    );
  });

  test("GIVEN a path of plain names and indexes WHEN formatting and reading it back THEN the same segments return", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(plainName, index), { maxLength: 8 }), (path) => {
        expect(readConfigPath(formatConfigPath(path))).toEqual(path);
      }),
      RUNS,
    );
  });

  test("GIVEN a path with arbitrary string keys WHEN formatting and reading it back THEN the same segments return", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(plainName, index, anyKey), { maxLength: 8 }), (path) => {
        expect(readConfigPath(formatConfigPath(path))).toEqual(path);
      }),
      RUNS,
    );
  });

  test("GIVEN an index after any path WHEN formatting THEN it renders as [n] appended to the path", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(plainName, index, anyKey), { maxLength: 6 }), index, (path, n) => {
        const base = path.length ? formatConfigPath(path) : "";
        expect(formatConfigPath([...path, n])).toBe(`${base}[${n}]`);
      }),
      RUNS,
    );
  });

  test("GIVEN a plain name after any path WHEN formatting THEN it renders bare first and as .name after", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(plainName, index, anyKey), { maxLength: 6 }), plainName, (path, name) => {
        const rendered = formatConfigPath([...path, name]);
        expect(rendered).toBe(path.length ? `${formatConfigPath(path)}.${name}` : name);
      }),
      RUNS,
    );
  });

  test('GIVEN a key that is not a plain name WHEN formatting THEN it renders as ["..."] and JSON.parse reads the key back', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(plainName, index), { maxLength: 4 }), anyKey.filter((k) => !PLAIN_NAME.test(k)), (path, key) => {
        const base = path.length ? formatConfigPath(path) : "";
        const rendered = formatConfigPath([...path, key]);
        expect(rendered.startsWith(`${base}[`)).toBe(true);
        expect(rendered.endsWith("]")).toBe(true);
        expect(JSON.parse(rendered.slice(base.length + 1, -1))).toBe(key);
      }),
      RUNS,
    );
  });
});
