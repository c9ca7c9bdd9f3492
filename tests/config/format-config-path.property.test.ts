/**
 * Properties of the config path formatter (`formatConfigPath`), which names the key of every config problem: any
 * path renders to text that reads back to the same segments, plain names stay plain (`userFlows[0].apps[1]`), and
 * the empty path is named.
 */
import fc from "fast-check";
import { formatConfigPath } from "../../config/schema";

const RUNS = { numRuns: 500 };

/** Reads a rendered path back into its segments: `.name`, `[n]` and `["json"]`. */
function parsePath(text: string): (string | number)[] {
  const out: (string | number)[] = [];
  let i = 0;
  const plain = /^[A-Za-z_][A-Za-z0-9_-]*/;
  while (i < text.length) {
    const rest = text.slice(i);
    if (rest.startsWith("[")) {
      const number = /^\[(\d+)\]/.exec(rest);
      if (number) {
        out.push(Number(number[1]));
        i += number[0].length;
        continue;
      }
      // A JSON string: scan to the quote that closes it, then the bracket.
      let j = 2;
      while (rest[j] !== '"') j += rest[j] === "\\" ? 2 : 1;
      out.push(JSON.parse(rest.slice(1, j + 1)) as string);
      expect(rest[j + 1]).toBe("]");
      i += j + 2;
      continue;
    }
    const name = plain.exec(rest.startsWith(".") ? rest.slice(1) : rest);
    if (!name) throw new Error(`unreadable path ${JSON.stringify(text)} at ${i}`);
    out.push(name[0]);
    i += name[0].length + (rest.startsWith(".") ? 1 : 0);
  }
  return out;
}

const segment = fc.oneof(fc.nat({ max: 10_000 }), fc.string({ unit: "grapheme", maxLength: 12 }), fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_-]{0,10}$/));

describe("formatConfigPath, over generated paths", () => {
  test("GIVEN any path of names, odd keys and indexes WHEN rendered THEN it reads back to the same segments", () => {
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 6 }), (segments) => {
        expect(parsePath(formatConfigPath(segments))).toEqual(segments);
      }),
      RUNS,
    );
  });

  test("GIVEN a path of plain names and indexes WHEN rendered THEN names are joined by dots and indexes bracketed, with no quoting", () => {
    const plain = fc.oneof(fc.nat({ max: 99 }), fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_-]{0,10}$/));
    fc.assert(
      fc.property(fc.array(plain, { minLength: 1, maxLength: 6 }), (segments) => {
        const text = formatConfigPath(segments);
        expect(text).not.toContain('"');
        const expected = segments.map((s, i) => (typeof s === "number" ? `[${s}]` : i === 0 ? s : `.${s}`)).join("");
        expect(text).toBe(expected);
      }),
      RUNS,
    );
  });

  test("GIVEN the empty path WHEN rendered THEN it names the config itself", () => {
    expect(formatConfigPath([])).toBe("(config)");
  });
});
