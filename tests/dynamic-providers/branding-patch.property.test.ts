/**
 * Properties of the branding PATCH computation (`brandingPatch`, dynamic-providers/branding/properties.ts) over
 * generated live and desired brandings built from the branding rule table's own example values: one PATCH
 * converges, a second finds nothing to send, the body holds only what differs, and a complex key sent whole keeps
 * the sub-keys the stack does not manage.
 *
 * Does not prove: Graph's PATCH semantics (applied here as "a sent key replaces the key, a complex key as a whole
 * object": reference §3.3, [inferred], and tested both ways in the emulator's switches).
 */
import fc from "fast-check";
import { brandingPatch, managedView, type BrandingProperties } from "../../dynamic-providers/branding/properties";
import { BRANDING_COMPLEX_RULES, BRANDING_VALUE_RULES } from "../../dynamic-providers/branding/rules";

const RUNS = { numRuns: 300 };
const COLOURS = new Set(["backgroundColor", "headerBackgroundColor"]);

/** A valid value of a rule, from its examples; colours also in lower case (Graph may normalise them). */
function valueOf(key: string, examples: readonly unknown[]): fc.Arbitrary<unknown> {
  const base = fc.constantFrom(...examples);
  return COLOURS.has(key) ? fc.oneof(base, base.map((v) => String(v).toLowerCase())) : base;
}

const complexShape = (key: keyof typeof BRANDING_COMPLEX_RULES) =>
  Object.fromEntries(Object.entries(BRANDING_COMPLEX_RULES[key]).map(([sub, rule]) => [sub, fc.constantFrom(...rule.examples.valid)]));

/** A desired branding: any subset of the keys (complex keys: any subset of their sub-keys). */
const desiredArb: fc.Arbitrary<BrandingProperties> = fc.record(
  {
    ...Object.fromEntries(Object.entries(BRANDING_VALUE_RULES).map(([key, rule]) => [key, valueOf(key, rule.examples.valid)])),
    loginPageTextVisibilitySettings: fc.record(complexShape("loginPageTextVisibilitySettings"), { requiredKeys: [] }),
    loginPageLayoutConfiguration: fc.record(complexShape("loginPageLayoutConfiguration"), { requiredKeys: [] }),
  },
  { requiredKeys: [] },
) as fc.Arbitrary<BrandingProperties>;

/** What Graph holds: every key present, a value or null; complex keys an object with some sub-keys set. */
const liveArb: fc.Arbitrary<Record<string, unknown>> = fc.record({
  ...Object.fromEntries(Object.entries(BRANDING_VALUE_RULES).map(([key, rule]) => [key, fc.option(valueOf(key, rule.examples.valid), { nil: null })])),
  loginPageTextVisibilitySettings: fc.option(fc.record(complexShape("loginPageTextVisibilitySettings")), { nil: null }),
  loginPageLayoutConfiguration: fc.option(fc.record(complexShape("loginPageLayoutConfiguration")), { nil: null }),
});

/** Graph after the PATCH: each sent key replaces the key (a complex key as a whole object). */
const apply = (live: Record<string, unknown>, body: Record<string, unknown>) => ({ ...live, ...body });

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

describe("brandingPatch, over generated brandings", () => {
  test("GIVEN any live and desired branding WHEN the PATCH is applied THEN Graph holds every desired value", () => {
    fc.assert(
      fc.property(liveArb, desiredArb, (live, desired) => {
        const after = apply(live, brandingPatch(live, desired, [], () => null));
        expect(managedView(after, desired)).toEqual(desired);
      }),
      RUNS,
    );
  });

  test("GIVEN a PATCH applied WHEN the PATCH is computed again THEN there is nothing to send (a converged up writes nothing)", () => {
    fc.assert(
      fc.property(liveArb, desiredArb, (live, desired) => {
        const after = apply(live, brandingPatch(live, desired, [], () => null));
        expect(brandingPatch(after, desired, [], () => null)).toEqual({});
      }),
      RUNS,
    );
  });

  test("GIVEN any live and desired branding WHEN the PATCH is computed THEN it holds only desired keys whose live value differs", () => {
    fc.assert(
      fc.property(liveArb, desiredArb, (live, desired) => {
        const body = brandingPatch(live, desired, [], () => null);
        for (const key of Object.keys(body)) {
          const wanted = (desired as Record<string, unknown>)[key];
          expect([key, wanted === undefined]).toEqual([key, false]);
          const liveValue = live[key];
          if (isObject(wanted)) {
            const liveObject = isObject(liveValue) ? liveValue : {};
            // Sent because at least one managed sub-key differs.
            expect([key, Object.entries(wanted).some(([sub, v]) => (liveObject[sub] ?? null) !== v)]).toEqual([key, true]);
          } else {
            const same = COLOURS.has(key) && typeof liveValue === "string" ? String(liveValue).toLowerCase() === String(wanted).toLowerCase() : liveValue === wanted;
            expect([key, same]).toEqual([key, false]);
          }
        }
      }),
      RUNS,
    );
  });

  test("GIVEN a complex key sent whole WHEN the PATCH is built THEN the sub-keys the stack does not manage keep Graph's values", () => {
    fc.assert(
      fc.property(liveArb, desiredArb, (live, desired) => {
        const body = brandingPatch(live, desired, [], () => null);
        for (const key of Object.keys(BRANDING_COMPLEX_RULES)) {
          const sent = body[key];
          if (!isObject(sent)) continue;
          const wanted = (desired as Record<string, unknown>)[key] as Record<string, unknown>;
          const liveObject = isObject(live[key]) ? (live[key] as Record<string, unknown>) : {};
          for (const sub of Object.keys(BRANDING_COMPLEX_RULES[key as keyof typeof BRANDING_COMPLEX_RULES])) {
            if (sub in wanted) continue;
            expect([key, sub, sent[sub]]).toEqual([key, sub, liveObject[sub] ?? null]);
          }
        }
      }),
      RUNS,
    );
  });

  test("GIVEN keys no longer managed WHEN the PATCH is built THEN each gets its restore value unless Graph already holds it, and no other key is touched", () => {
    const keys = Object.keys(BRANDING_VALUE_RULES);
    fc.assert(
      fc.property(liveArb, fc.subarray(keys), fc.dictionary(fc.constantFrom(...keys), fc.constantFrom("Previous text", null)), (live, dropped, previous) => {
        const body = brandingPatch(live, {}, dropped, (key) => previous[key] ?? null);
        for (const key of Object.keys(body)) expect([key, dropped.includes(key)]).toEqual([key, true]);
        for (const key of dropped) {
          const restored = previous[key] ?? null;
          if ((live[key] ?? null) === restored) expect([key, key in body]).toEqual([key, false]);
          else expect([key, body[key]]).toEqual([key, restored]);
        }
      }),
      RUNS,
    );
  });
});
