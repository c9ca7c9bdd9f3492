/**
 * Cross-references between sections: unique keys and names, flows that name configured apps and attributes, one
 * flow per app, and `subdomainSuffix: stack` only with `lifecycle: ephemeral`. They read the raw input, so they run
 * (and name what the user wrote) even where a part of the config failed its own checks.
 */
import { redirectUriMatchKey } from "./apps";
import { isRecord, records } from "./fields";
import { type Ctx, formatConfigPath, report } from "./messages";
import { SUBDOMAIN_SUFFIX_LENGTH } from "./tenant";
import { BUILT_IN_ATTRIBUTES, IDENTITY_PROVIDER_KINDS } from "./user-flows";

/** `subdomainSuffix: stack` is for disposable stacks, and the prefix must leave room for the suffix. */
function checkSubdomainSuffix(c: Record<string, unknown>, ctx: Ctx): void {
  const create = isRecord(c.tenant) && isRecord(c.tenant.create) ? c.tenant.create : undefined;
  if (!create || create.subdomainSuffix !== "stack") return;
  const lifecycle = c.lifecycle ?? "protected";
  if (lifecycle !== "ephemeral") {
    report(
      ctx,
      ["tenant", "create", "subdomainSuffix"],
      "stack",
      `needs lifecycle: ephemeral (lifecycle is ${JSON.stringify(lifecycle)}): renaming a stack would change the suffix and replace the tenant`,
      "none; or stack together with lifecycle: ephemeral",
    );
  }
  const max = 26 - SUBDOMAIN_SUFFIX_LENGTH;
  if (typeof create.subdomain === "string" && create.subdomain.length > max) {
    report(ctx, ["tenant", "create", "subdomain"], create.subdomain, `is ${create.subdomain.length} characters long, which leaves no room for the ${SUBDOMAIN_SUFFIX_LENGTH}-character suffix`, `1-${max} ASCII letters or digits with subdomainSuffix: stack`);
  }
}

/** Reports every later occurrence of an already-seen normalized value. Entries: [path, shown value, normalized]. */
function reportDuplicates(ctx: Ctx, entries: [PropertyKey[], unknown, unknown][], allowed: string): void {
  const first = new Map<unknown, PropertyKey[]>();
  for (const [p, shown, norm] of entries) {
    if (norm === undefined) continue;
    const seen = first.get(norm);
    if (seen) report(ctx, p, shown, `duplicates ${formatConfigPath(seen)}`, allowed);
    else first.set(norm, p);
  }
}

/** Checks every cross-reference of the raw config `c`, adding one issue per problem to `ctx`. */
export function checkReferences(c: unknown, ctx: Ctx): void {
  if (!isRecord(c)) return;
  checkSubdomainSuffix(c, ctx);
  const apps = records(c.apps);
  const attrs = records(c.customAttributes);
  const flows = records(c.userFlows);
  const idps = records(c.identityProviders);
  const str = (v: unknown) => (typeof v === "string" ? v : undefined);

  reportDuplicates(ctx, idps.map((p, i) => [["identityProviders", i, "key"], p.key, str(p.key)]), "a unique key per identity provider");
  reportDuplicates(
    ctx,
    idps.map((p, i) => [["identityProviders", i, "type"], p.type, p.type === "oidc" ? undefined : str(p.type)]),
    "one google, one facebook and one apple provider per tenant (Graph holds one of each)",
  );
  reportDuplicates(
    ctx,
    idps.map((p, i) => [["identityProviders", i, "issuer"], p.issuer, p.type === "oidc" ? str(p.issuer)?.replace(/\/+$/, "").toLowerCase() : undefined]),
    "one OIDC provider per issuer (Graph knows a provider by its issuer)",
  );
  const idpKeys = idps.map((p) => str(p.key)).filter((k): k is string => k !== undefined);
  const signInMethods = [...IDENTITY_PROVIDER_KINDS, ...idpKeys];
  const idpsUsable = !Array.isArray(c.identityProviders) || (c.identityProviders.length === idps.length && idps.every((p) => str(p.key) !== undefined));

  reportDuplicates(ctx, apps.map((a, i) => [["apps", i, "key"], a.key, str(a.key)]), "a unique key per app");
  apps.forEach((a, i) => {
    const uris = Array.isArray(a.redirectUris) ? (a.redirectUris as unknown[]) : [];
    reportDuplicates(
      ctx,
      uris.map((u, j) => [["apps", i, "redirectUris", j], u, typeof u === "string" ? redirectUriMatchKey(u) : undefined]),
      "each redirect URI once per app (Entra treats a URI with and without a trailing slash, or localhost URIs differing only by port, as one)",
    );
  });

  const builtInLower = new Set(BUILT_IN_ATTRIBUTES.map((b) => b.toLowerCase()));
  attrs.forEach((a, i) => {
    const name = str(a.name);
    if (name && builtInLower.has(name.toLowerCase())) {
      report(ctx, ["customAttributes", i, "name"], name, "is the name of a built-in attribute", `a name other than ${BUILT_IN_ATTRIBUTES.join(", ")}`);
    }
  });
  reportDuplicates(ctx, attrs.map((a, i) => [["customAttributes", i, "name"], a.name, str(a.name)?.toLowerCase()]), "a unique name per custom attribute (case-insensitive)");

  reportDuplicates(ctx, flows.map((f, i) => [["userFlows", i, "key"], f.key, str(f.key)]), "a unique key per user flow");
  reportDuplicates(
    ctx,
    flows.map((f, i) => [["userFlows", i, "displayName"], f.displayName, str(f.displayName)?.toLowerCase()]),
    "a unique displayName per user flow (case-insensitive; Graph requires it in the tenant)",
  );

  const appKeys = apps.map((a) => str(a.key)).filter((k): k is string => k !== undefined);
  // A broken apps value is reported where it is; the flows' app references are checked only against a usable list,
  // so one mistake there does not also fail every flow's apps.
  const appsUsable = Array.isArray(c.apps) && c.apps.length === apps.length && apps.every((a) => str(a.key) !== undefined);
  const attributeIds = [...new Set<string>([...BUILT_IN_ATTRIBUTES, ...attrs.map((a) => str(a.name)).filter((n): n is string => n !== undefined)])];
  const linkedBy = new Map<string, { flow: string; index: number }>();
  flows.forEach((f, i) => {
    const flowName = str(f.key) ?? `userFlows[${i}]`;
    const flowIdps = Array.isArray(f.identityProviders) ? (f.identityProviders as unknown[]) : [];
    reportDuplicates(ctx, flowIdps.map((p, j) => [["userFlows", i, "identityProviders", j], p, str(p)]), "each identity provider once per flow");
    flowIdps.forEach((p, j) => {
      if (typeof p === "string" && idpsUsable && !signInMethods.includes(p)) {
        report(
          ctx,
          ["userFlows", i, "identityProviders", j],
          p,
          `is offered by user flow "${flowName}" but is neither a built-in sign-in method nor an identityProviders key (a provider a flow still uses cannot be removed)`,
          signInMethods.join(", "),
        );
      }
    });
    const flowAttrs = records(f.attributes);
    flowAttrs.forEach((a, j) => {
      const id = str(a.attribute);
      if (id !== undefined && !attributeIds.includes(id)) {
        report(ctx, ["userFlows", i, "attributes", j, "attribute"], id, "is neither a built-in attribute nor a customAttributes name", attributeIds.join(", "));
      }
    });
    reportDuplicates(ctx, flowAttrs.map((a, j) => [["userFlows", i, "attributes", j, "attribute"], a.attribute, str(a.attribute)]), "each attribute once per flow");

    const flowApps = Array.isArray(f.apps) ? (f.apps as unknown[]) : [];
    reportDuplicates(ctx, flowApps.map((k, j) => [["userFlows", i, "apps", j], k, str(k)]), "each app once per flow");
    const seenHere = new Set<string>();
    flowApps.forEach((k, j) => {
      if (typeof k !== "string" || seenHere.has(k)) return;
      seenHere.add(k);
      if (!appKeys.includes(k)) {
        if (appsUsable) report(ctx, ["userFlows", i, "apps", j], k, "is not a configured app key", appKeys.join(", ") || "(no app is configured)");
        return;
      }
      const other = linkedBy.get(k);
      if (other) {
        report(
          ctx,
          ["userFlows", i, "apps", j],
          k,
          `is linked to both user flows "${other.flow}" (userFlows[${other.index}]) and "${flowName}" (userFlows[${i}])`,
          "one user flow per app (Graph: an application can only be linked to one user flow)",
        );
      } else linkedBy.set(k, { flow: flowName, index: i });
    });
  });
}
