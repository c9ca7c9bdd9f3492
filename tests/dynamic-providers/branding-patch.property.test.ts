/**
 * Properties of the branding PATCH computation (`brandingPatch` and the helpers the providers combine it with),
 * over generated brandings whose keys and values come from the branding rule table: whatever Graph holds, one PATCH
 * takes it to the config, a second one is not needed, nothing outside the managed keys is written, dropped keys go
 * back to what the provider restores, and a read shows drift exactly when an update would write.
 *
 * Graph's semantics for a complex key in a PATCH (whole-object replace or merge) are inferred, not known (reference
 * §3.3), so convergence is checked under both. Not proven here: what Graph does with the body (the emulator tests).
 */
import fc from "fast-check";
import { ruleFailures, type Rule } from "../../dynamic-providers/core";
import { BRANDING_COMPLEX_RULES, BRANDING_VALUE_RULES, type BrandingComplexKey, type BrandingValueKey } from "../../dynamic-providers/branding/rules";
import {
  BRANDING_KEYS,
  brandingPatch,
  checkBrandingProperties,
  definedProperties,
  droppedKeys,
  liveValues,
  managedView,
  sameValue,
  type BrandingProperties,
  type BrandingValues,
} from "../../dynamic-providers/branding/properties";
import { jsonEqual } from "../../dynamic-providers/provider-kit";

const RUNS = { numRuns: 200 };

const VALUE_KEYS = Object.keys(BRANDING_VALUE_RULES) as BrandingValueKey[];
const COMPLEX_KEYS = Object.keys(BRANDING_COMPLEX_RULES) as BrandingComplexKey[];
const COLOUR_KEYS = VALUE_KEYS.filter((k) => BRANDING_VALUE_RULES[k].examples.valid.every((v) => typeof v === "string" && /^#/.test(v)));
const SUBKEYS = (key: BrandingComplexKey): string[] => Object.keys(BRANDING_COMPLEX_RULES[key]);
const ruleOf = (key: BrandingComplexKey, sub: string): Rule => (BRANDING_COMPLEX_RULES[key] as Readonly<Record<string, Rule>>)[sub]!;
const isComplex = (key: string): key is BrandingComplexKey => (COMPLEX_KEYS as string[]).includes(key);

type Live = Record<string, unknown>;
type Restore = (key: string) => unknown;

// ---------------------------------------------------------------------------------------------- arbitraries

const valid = (rule: Rule, v: unknown) => ruleFailures("v", rule, v, () => false).length === 0;

/**
 * A value the rule accepts: one of the rule's own valid examples, or a generated candidate (colour-, URL- or
 * text-shaped) when the rule accepts it, else an example. Nothing is filtered away, so no rule can starve the run.
 */
const candidate = fc.oneof(fc.stringMatching(/^#[0-9A-Fa-f]{6}$/), fc.webUrl({ validSchemes: ["https"] }), fc.string({ maxLength: 80 }));
const valueArbs = new Map<Rule, fc.Arbitrary<unknown>>();
function valueOf(rule: Rule): fc.Arbitrary<unknown> {
  let arb = valueArbs.get(rule); // built once per rule: live arbitraries are built per generated config
  if (arb) return arb;
  const examples = rule.examples.valid.filter((v) => valid(rule, v));
  arb =
    rule.type === "boolean"
      ? fc.boolean()
      : fc.oneof(fc.constantFrom(...examples), fc.tuple(candidate, fc.constantFrom(...examples)).map(([c, example]) => (valid(rule, c) ? c : example)));
  valueArbs.set(rule, arb);
  return arb;
}

/** A config's `properties`: any subset of the branding keys (complex keys: any subset of their sub-keys). */
const desiredArb: fc.Arbitrary<BrandingProperties> = fc
  .record(
    {
      ...Object.fromEntries(VALUE_KEYS.map((k) => [k, valueOf(BRANDING_VALUE_RULES[k])])),
      ...Object.fromEntries(
        COMPLEX_KEYS.map((k) => [k, fc.record(Object.fromEntries(SUBKEYS(k).map((s) => [s, valueOf(ruleOf(k, s))])), { requiredKeys: [] })]),
      ),
    } as Record<string, fc.Arbitrary<unknown>>,
    { requiredKeys: [] },
  )
  .map((p) => definedProperties(p as BrandingProperties));

/** What Graph may show for a value the config holds: the same, or (a colour) in another case. */
function echo(key: string, v: unknown): fc.Arbitrary<unknown> {
  if ((COLOUR_KEYS as string[]).includes(key) && typeof v === "string") return fc.constantFrom(v, v.toLowerCase(), v.toUpperCase());
  return fc.constant(v);
}

/** A value Graph may hold for a key: null, any valid value, or (often) an echo of what the config wants. */
function liveValueArb(rule: Rule, key: string, wanted: unknown, echoWeight: number): fc.Arbitrary<unknown> {
  const options: fc.WeightedArbitrary<unknown>[] = [
    { arbitrary: fc.constant(null), weight: 1 },
    { arbitrary: valueOf(rule), weight: 2 },
  ];
  if (wanted !== undefined) options.push({ arbitrary: echo(key, wanted), weight: echoWeight });
  return fc.oneof(...options);
}

/** Keys Graph returns that no branding resource manages. */
const unmanagedArb = fc.record(
  {
    id: fc.constant("0"),
    cdnList: fc.subarray(["aadcdn.msftauthimages.net", "aadcdn.msauthimages.net"]),
    bannerLogoRelativeUrl: fc.option(fc.string({ maxLength: 10 })),
    customCSSRelativeUrl: fc.option(fc.string({ maxLength: 10 })),
    contentCustomization: fc.option(fc.record({ attributeCollection: fc.array(fc.string({ maxLength: 5 }), { maxLength: 2 }) })),
    "@odata.context": fc.constant("https://graph.microsoft.com/beta/$metadata#organization('x')/branding/$entity"),
  },
  { requiredKeys: ["id"] },
);

/** The full object a GET shows, leaning towards what `desired` asks for (`echoWeight` against 3). */
function liveArb(desired: BrandingProperties, echoWeight = 3): fc.Arbitrary<Live> {
  const d = desired as Record<string, unknown>;
  const managed: Record<string, fc.Arbitrary<unknown>> = {};
  for (const k of VALUE_KEYS) managed[k] = liveValueArb(BRANDING_VALUE_RULES[k], k, d[k], echoWeight);
  for (const k of COMPLEX_KEYS) {
    const wanted = (d[k] ?? {}) as Record<string, unknown>;
    const subs = Object.fromEntries(SUBKEYS(k).map((s) => [s, liveValueArb(ruleOf(k, s), s, wanted[s], echoWeight)]));
    managed[k] = fc.oneof(fc.constant(null), fc.record(subs, { requiredKeys: [] }));
  }
  return fc.tuple(fc.record(managed, { requiredKeys: [] }), unmanagedArb).map(([m, u]) => ({ ...u, ...m }));
}

/** A live object equal to `desired` on every managed key (colours possibly in another case), anything elsewhere. */
function liveMatchingArb(desired: BrandingProperties): fc.Arbitrary<Live> {
  const d = desired as Record<string, unknown>;
  const pinned: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [k, v] of Object.entries(d)) {
    if (!isComplex(k)) pinned[k] = echo(k, v);
  }
  return fc.tuple(liveArb(desired, 0), fc.record(pinned)).map(([live, p]) => {
    const out: Live = { ...live, ...p };
    for (const k of COMPLEX_KEYS) {
      const wanted = d[k] as Record<string, unknown> | undefined;
      if (wanted === undefined) continue;
      const base = out[k] !== null && typeof out[k] === "object" ? (out[k] as Record<string, unknown>) : {};
      out[k] = { ...base, ...wanted };
    }
    return out;
  });
}

/** What the provider restores for a dropped key: the value before the stack set it (liveValues' shape), or null. */
const previousArb: fc.Arbitrary<BrandingValues> = fc.record(
  {
    ...Object.fromEntries(VALUE_KEYS.map((k) => [k, fc.option(valueOf(BRANDING_VALUE_RULES[k]))])),
    ...Object.fromEntries(
      COMPLEX_KEYS.map((k) => [k, fc.option(fc.record(Object.fromEntries(SUBKEYS(k).map((s) => [s, fc.option(valueOf(ruleOf(k, s)))]))))]),
    ),
  } as Record<string, fc.Arbitrary<unknown>>,
  { requiredKeys: [] },
);

/** The two restore functions the providers pass: the default's previous values, a localization's null. */
const restoreArb: fc.Arbitrary<{ name: string; restore: Restore }> = fc.oneof(
  previousArb.map((previous) => ({ name: `previous ${JSON.stringify(previous)}`, restore: (key: string) => previous[key] ?? null })),
  fc.constant({ name: "null (localization)", restore: () => null }),
);

/** Everything an update passes: a config, Graph's object, what was dropped (any keys and sub-keys), a restore. */
const updateArb = desiredArb.chain((desired) =>
  fc.record({
    desired: fc.constant(desired),
    live: liveArb(desired),
    dropped: fc.subarray<string>([...BRANDING_KEYS]),
    droppedSubkeys: fc.record(Object.fromEntries(COMPLEX_KEYS.map((k) => [k, fc.subarray(SUBKEYS(k))])), { requiredKeys: [] }) as fc.Arbitrary<
      Record<string, string[]>
    >,
    restore: restoreArb,
  }),
);

// ---------------------------------------------------------------------------------------------- models

/** Graph applying a PATCH body; a complex key either replaces the whole object or merges into it. */
function applyPatch(live: Live, body: Record<string, unknown>, complex: "replace" | "merge"): Live {
  const out: Live = { ...live };
  for (const [k, v] of Object.entries(body)) {
    const before = out[k];
    const mergeable = complex === "merge" && isComplex(k) && v !== null && typeof v === "object" && before !== null && typeof before === "object";
    out[k] = mergeable ? { ...(before as object), ...(v as object) } : v;
  }
  return out;
}

/** The value a dropped sub-key of a kept complex key goes back to. */
function restoredSub(restore: Restore, key: string, sub: string): unknown {
  const previous = restore(key);
  return previous !== null && typeof previous === "object" ? ((previous as Record<string, unknown>)[sub] ?? null) : null;
}

const clone = <T>(v: T): T => structuredClone(v);

// ---------------------------------------------------------------------------------------------- properties

describe("brandingPatch properties", () => {
  test("GIVEN generated brandings WHEN generating them THEN every generated config passes the provider's check", () => {
    fc.assert(
      fc.property(desiredArb, (desired) => {
        expect(checkBrandingProperties(desired)).toEqual([]);
      }),
      RUNS,
    );
  });

  test.each(["replace", "merge"] as const)(
    "GIVEN any live branding, config, dropped keys and restore WHEN the PATCH is applied (complex keys: %s) THEN the managed view equals the config and dropped keys hold the restored values",
    (complex) => {
      fc.assert(
        fc.property(updateArb, ({ desired, live, dropped, droppedSubkeys, restore }) => {
          const before = { live: clone(live), desired: clone(desired) };
          const body = brandingPatch(live, desired, dropped, restore.restore, droppedSubkeys);
          expect({ live, desired }).toEqual(before); // inputs are not mutated
          const after = applyPatch(live, body, complex);

          expect(managedView(after, desired)).toEqual(desired);
          const d = desired as Record<string, unknown>;
          for (const key of dropped) {
            if (d[key] !== undefined) continue;
            expect(sameValue(key, after[key] ?? null, restore.restore(key) ?? null)).toBe(true);
          }
          for (const key of COMPLEX_KEYS) {
            const wanted = d[key] as Record<string, unknown> | undefined;
            if (wanted === undefined) continue;
            for (const sub of droppedSubkeys[key] ?? []) {
              if (sub in wanted) continue;
              expect(((after[key] ?? {}) as Record<string, unknown>)[sub] ?? null).toEqual(restoredSub(restore.restore, key, sub));
            }
          }
        }),
        RUNS,
      );
    },
  );

  test.each(["replace", "merge"] as const)(
    "GIVEN a PATCH applied (complex keys: %s) WHEN the same update is computed again THEN the body is empty (one write converges)",
    (complex) => {
      fc.assert(
        fc.property(updateArb, ({ desired, live, dropped, droppedSubkeys, restore }) => {
          const after = applyPatch(live, brandingPatch(live, desired, dropped, restore.restore, droppedSubkeys), complex);
          expect(brandingPatch(after, desired, dropped, restore.restore, droppedSubkeys)).toEqual({});
        }),
        RUNS,
      );
    },
  );

  test("GIVEN live equal to the config on every managed key (colours in any case) WHEN nothing is dropped or forced THEN the body is empty (no write)", () => {
    fc.assert(
      fc.property(
        desiredArb.chain((desired) => fc.tuple(fc.constant(desired), liveMatchingArb(desired))),
        ([desired, live]) => {
          expect(brandingPatch(live, desired, [], () => null)).toEqual({});
        },
      ),
      RUNS,
    );
  });

  test("GIVEN any live branding and config WHEN nothing is dropped or forced THEN the body is empty exactly when a read shows no drift", () => {
    fc.assert(
      fc.property(
        desiredArb.chain((desired) => fc.tuple(fc.constant(desired), liveArb(desired, 12))),
        ([desired, live]) => {
          const noDrift = jsonEqual(managedView(live, desired), desired);
          const noWrite = Object.keys(brandingPatch(live, desired, [], () => null)).length === 0;
          expect(noWrite).toBe(noDrift);
        },
      ),
      RUNS,
    );
  });

  test("GIVEN any update WHEN the PATCH is computed THEN it names only desired or dropped keys, a value key only when it differs, and keeps the unmanaged sub-keys of a complex key", () => {
    fc.assert(
      fc.property(updateArb, ({ desired, live, dropped, droppedSubkeys, restore }) => {
        const body = brandingPatch(live, desired, dropped, restore.restore, droppedSubkeys);
        const d = desired as Record<string, unknown>;
        for (const key of Object.keys(body)) expect(d[key] !== undefined || dropped.includes(key)).toBe(true);
        for (const key of Object.keys(live)) if (!(BRANDING_KEYS as string[]).includes(key)) expect(body).not.toHaveProperty(key);

        for (const key of VALUE_KEYS) {
          if (d[key] === undefined) continue;
          const differs = !sameValue(key, d[key], live[key] ?? null);
          expect(key in body).toBe(differs);
          if (differs) expect(body[key]).toBe(d[key]); // the config's spelling is sent
        }
        for (const key of COMPLEX_KEYS) {
          const wanted = d[key] as Record<string, unknown> | undefined;
          if (wanted === undefined || !(key in body)) continue;
          const sent = body[key] as Record<string, unknown>;
          const liveObject = (live[key] !== null && typeof live[key] === "object" ? live[key] : {}) as Record<string, unknown>;
          expect(Object.keys(sent).sort()).toEqual(SUBKEYS(key).sort()); // sent whole: every known sub-key
          for (const sub of SUBKEYS(key)) {
            if (sub in wanted) expect(sent[sub]).toBe(wanted[sub]);
            else if ((droppedSubkeys[key] ?? []).includes(sub)) expect(sent[sub]).toEqual(restoredSub(restore.restore, key, sub));
            else expect(sent[sub]).toEqual(liveObject[sub] ?? null); // unmanaged: copied from Graph, not reset
          }
        }
      }),
      RUNS,
    );
  });

  test("GIVEN keys dropped from config WHEN the PATCH is computed THEN each dropped key not in the config is reset to restore(key) exactly when Graph holds something else", () => {
    fc.assert(
      fc.property(updateArb, ({ desired, live, dropped, droppedSubkeys, restore }) => {
        const body = brandingPatch(live, desired, dropped, restore.restore, droppedSubkeys);
        const d = desired as Record<string, unknown>;
        for (const key of dropped) {
          if (d[key] !== undefined) continue; // the config wins over a stale drop
          const value = restore.restore(key) ?? null;
          expect(key in body).toBe(!sameValue(key, value, live[key] ?? null));
          if (key in body) expect(body[key]).toEqual(value);
        }
        // Keys neither desired nor dropped are never written.
        for (const key of BRANDING_KEYS) if (d[key] === undefined && !dropped.includes(key)) expect(body).not.toHaveProperty(key);
      }),
      RUNS,
    );
  });

  test("GIVEN forced keys (a localization's changed keys) WHEN the PATCH is computed THEN every forced key is sent with the config's value even when Graph shows it", () => {
    fc.assert(
      fc.property(
        desiredArb.chain((desired) => fc.tuple(fc.constant(desired), liveArb(desired, 12), fc.subarray(Object.keys(desired)))),
        ([desired, live, force]) => {
          const body = brandingPatch(live, desired, [], () => null, {}, force);
          const d = desired as Record<string, unknown>;
          for (const key of force) {
            expect(body).toHaveProperty(key);
            if (isComplex(key)) expect(body[key]).toMatchObject(d[key] as object);
            else expect(body[key]).toBe(d[key]);
          }
          // Forcing adds keys, never values: without force the body is the same minus the forced keys Graph already shows.
          const unforced = brandingPatch(live, desired, [], () => null);
          for (const [key, value] of Object.entries(unforced)) expect(body[key]).toEqual(value);
        },
      ),
      RUNS,
    );
  });
});

describe("droppedKeys and liveValues properties", () => {
  test("GIVEN a previous and a new config WHEN computing what was dropped THEN exactly the keys (and sub-keys of kept complex keys) managed before and not now are named", () => {
    fc.assert(
      fc.property(desiredArb, desiredArb, (olds, news) => {
        const { keys, subkeys } = droppedKeys(olds as BrandingValues, news);
        const o = olds as Record<string, unknown>;
        const n = news as Record<string, unknown>;
        expect(keys.sort()).toEqual(Object.keys(o).filter((k) => n[k] === undefined).sort());
        for (const key of COMPLEX_KEYS) {
          const before = o[key] as Record<string, unknown> | undefined;
          const now = n[key] as Record<string, unknown> | undefined;
          const gone = before && now ? Object.keys(before).filter((s) => now[s] === undefined) : [];
          expect((subkeys[key] ?? []).sort()).toEqual(gone.sort());
        }
        expect(Object.keys(subkeys).every((k) => isComplex(k))).toBe(true);
      }),
      RUNS,
    );
  });

  test("GIVEN any live branding WHEN reading the full values of keys THEN each key is present, null where unset, and complex keys carry every known sub-key", () => {
    fc.assert(
      fc.property(
        desiredArb.chain((d) => liveArb(d)),
        fc.subarray<string>([...BRANDING_KEYS]),
        (live, keys) => {
          const values = liveValues(live, keys);
          expect(Object.keys(values).sort()).toEqual([...keys].sort());
          for (const key of keys) {
            const v = values[key];
            if (isComplex(key) && live[key] !== null && typeof live[key] === "object") {
              expect(Object.keys(v as object).sort()).toEqual(SUBKEYS(key).sort());
            } else {
              expect(v).toEqual(live[key] ?? null);
            }
          }
        },
      ),
      RUNS,
    );
  });
});
