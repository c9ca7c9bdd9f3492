/**
 * Turns a {@link TenantSnapshot} into the stack config that reproduces it: the `Pulumi.<stack>.yaml` text, the
 * branding files it names, the secrets to set, and what could not be expressed (never silently dropped).
 *
 * The rule for anything the config cannot express faithfully — a flow using an attribute of a data type the config
 * does not model, a flow with a description, an image that is neither PNG, JPEG nor CSS — is to leave it out, so
 * that it stays unmanaged: `pulumi up` then neither changes nor deletes it, and the output says what was left out
 * and why. Pure: the same snapshot always gives the same bytes.
 */
import { stringify } from "yaml";
import { BUILT_IN_ATTRIBUTES, IDENTITY_PROVIDER_IDS, type IdentityProviderKind } from "../config/user-flows";
import { CUSTOM_ATTRIBUTE_DATA_TYPES } from "../dynamic-providers/user-flows/rules";
import { BRANDING_KEYS, sameValue, type BrandingValues } from "../dynamic-providers/branding/properties";
import type { DiscoveredIdentityProvider } from "../dynamic-providers/identity-providers/identity-provider";
import type { SnapshotAsset, SnapshotBranding, TenantSnapshot } from "./read";

/** Where and how the export was made. */
export interface ExportOptions {
  readonly stack: string;
  /** Graph and authority origins, when not the public cloud's. */
  readonly graph?: string;
  readonly authorityHost?: string;
  /** Folder of the branding files, relative to the project directory (forward slashes). */
  readonly brandingDir: string;
}

export interface ExportedFile {
  /** Relative to the project directory, forward slashes. */
  readonly path: string;
  readonly bytes: Buffer;
}

export interface StackExport {
  /** The `Pulumi.<stack>.yaml` text. */
  readonly text: string;
  /** The config as the program reads it (section → value), for validation. */
  readonly config: Record<string, unknown>;
  readonly files: readonly ExportedFile[];
  /** `pulumi config set --secret` commands to run before `pulumi up`. */
  readonly secretCommands: readonly string[];
  /** What was not exported, and why. */
  readonly notExported: readonly string[];
  /** Counts for the summary. */
  readonly counts: Readonly<Record<string, number>>;
}

const NS = "ciam-tenant";
const KIND_BY_ID: Readonly<Record<string, IdentityProviderKind>> = Object.fromEntries(
  Object.entries(IDENTITY_PROVIDER_IDS).map(([kind, id]) => [id.toLowerCase(), kind as IdentityProviderKind]),
);
const BUILT_IN = new Map(BUILT_IN_ATTRIBUTES.map((a) => [a.toLowerCase(), a as string]));
const EXTENSIONS: Readonly<Record<string, string>> = { "image/png": "png", "image/jpeg": "jpg", "image/jpg": "jpg", "text/css": "css" };
const DEFAULT_DISPLAY_NAMES: Readonly<Record<string, string>> = { google: "Google", facebook: "Facebook", apple: "Apple" };

/** A logical key (`[a-z][a-z0-9-]{0,39}`) from a display name, unique among `taken`. */
export function slugKey(name: string, fallback: string, taken: Set<string>): string {
  let base = name.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
  if (!/^[a-z]/.test(base)) base = base ? `${fallback}-${base}` : fallback;
  base = base.slice(0, 40).replace(/-+$/, "");
  let key = base;
  for (let n = 2; taken.has(key); n++) key = `${base.slice(0, 40 - String(n).length - 1)}-${n}`;
  taken.add(key);
  return key;
}

const byText = <T>(f: (t: T) => string) => (a: T, b: T) => (f(a) < f(b) ? -1 : f(a) > f(b) ? 1 : 0);

/** The stack config reproducing `snap`. */
export function stackExport(snap: TenantSnapshot, opts: ExportOptions): StackExport {
  const notExported: string[] = [];
  const secretCommands: string[] = [];
  const files: ExportedFile[] = [];

  // Custom attributes: the data types the config models.
  const attributes = [...snap.customAttributes].sort(byText((a) => a.displayName.toLowerCase()));
  const customByName = new Map<string, string>();
  const customAttributes: Record<string, unknown>[] = [];
  for (const a of attributes) {
    if (!(CUSTOM_ATTRIBUTE_DATA_TYPES as readonly string[]).includes(a.dataType)) {
      notExported.push(`custom attribute ${JSON.stringify(a.displayName)}: data type ${a.dataType} is not modelled (only ${CUSTOM_ATTRIBUTE_DATA_TYPES.join(", ")}); left unmanaged`);
      continue;
    }
    customByName.set(a.displayName.toLowerCase(), a.displayName);
    customAttributes.push({ name: a.displayName, dataType: a.dataType, ...(a.description ? { description: a.description } : {}) });
  }

  // Identity providers: keyed by type (social, Apple) or by display name (OIDC); secrets are config keys to set.
  const idpKeys = new Set<string>();
  const idpKeyById = new Map<string, string>();
  const identityProviders: Record<string, unknown>[] = [];
  const providers = [...snap.identityProviders].sort(byText((p) => `${p.type} ${p.displayName.toLowerCase()} ${p.id}`));
  for (const p of providers) {
    const key = slugKey(p.type === "oidc" ? p.displayName : p.type, p.type, idpKeys);
    idpKeyById.set(p.id.toLowerCase(), key);
    identityProviders.push(identityProviderEntry(key, p, opts.stack, secretCommands));
  }
  for (const o of [...snap.otherIdentityProviders].sort(byText((x) => `${x.displayName.toLowerCase()} ${x.id}`))) {
    if (/^builtInIdentityProvider$/i.test(o.type)) continue; // email + password and one-time passcode: flows name them by kind
    notExported.push(`identity provider ${JSON.stringify(o.displayName)} (${o.id}): type ${o.type} is not modelled; left unmanaged`);
  }

  // User flows, each with its apps; a flow the config cannot express faithfully is left out whole.
  const flowKeys = new Set<string>();
  const appKeys = new Set<string>();
  const apps: Record<string, unknown>[] = [];
  const userFlows: Record<string, unknown>[] = [];
  if (snap.appNamesProblem) notExported.push(snap.appNamesProblem);
  for (const f of [...snap.flows].sort(byText((x) => x.displayName.toLowerCase()))) {
    const why: string[] = [];
    if (f.description) why.push("it has a description, which the config does not model");
    const idps = f.identityProviders.map((id) => KIND_BY_ID[id.toLowerCase()] ?? idpKeyById.get(id.toLowerCase()));
    f.identityProviders.forEach((id, i) => {
      if (!idps[i]) why.push(`its identity provider ${id} is not exported`);
    });
    const flowAttributes = f.attributes.map((a) => {
      const custom = /^extension_[0-9a-f]{32}_(.+)$/i.exec(a.id);
      const name = custom ? customByName.get(custom[1]!.toLowerCase()) : BUILT_IN.get(a.id.toLowerCase());
      if (!name) why.push(`its attribute ${a.id} is ${custom ? "a custom attribute that is not exported" : "not a built-in attribute"}`);
      return { attribute: name ?? a.id, required: a.required, ...(a.hidden ? { hidden: true } : {}), ...(a.label ? { label: a.label } : {}) };
    });
    if (why.length > 0) {
      notExported.push(`user flow ${JSON.stringify(f.displayName)} (${f.id}): ${why.join("; ")}; left unmanaged, with its apps`);
      continue;
    }
    const builtIns = Object.keys(IDENTITY_PROVIDER_IDS);
    const sortedIdps = [...new Set(idps as string[])].sort((a, b) => {
      const [x, y] = [builtIns.indexOf(a), builtIns.indexOf(b)];
      if (x >= 0 || y >= 0) return (x < 0 ? 99 : x) - (y < 0 ? 99 : y);
      return a < b ? -1 : a > b ? 1 : 0;
    });
    const linked = [...f.appIds].sort().map((appId) => {
      const name = snap.appNames?.[appId];
      const key = slugKey(name || `app-${appId.slice(0, 8)}`, "app", appKeys);
      apps.push({ key, existing: { clientId: appId }, ...(name ? { "#": name } : {}) });
      return key;
    });
    userFlows.push({
      key: slugKey(f.displayName, "flow", flowKeys),
      displayName: f.displayName,
      signUpAllowed: f.isSignUpAllowed,
      identityProviders: sortedIdps,
      attributes: flowAttributes,
      apps: linked,
    });
  }
  apps.sort(byText((a) => String(a.key)));
  for (const o of [...snap.otherFlows].sort(byText((x) => `${x.displayName.toLowerCase()} ${x.id}`))) notExported.push(`user flow ${JSON.stringify(o.displayName)} (${o.id}): type ${o.type} is not modelled; left unmanaged`);

  // Branding: the default and each localization; a localization's value equal to the default's is left out
  // (Graph may show inherited values on a localization, and either way the page shows the same).
  let branding: Record<string, unknown> | undefined;
  if (snap.defaultBranding) {
    const def = brandingEntry(snap.defaultBranding, undefined, opts, files, notExported);
    const localizations: Record<string, unknown> = {};
    for (const l of [...snap.localizations].sort(byText((x) => x.locale))) {
      localizations[l.locale] = brandingEntry(l, snap.defaultBranding, opts, files, notExported);
    }
    branding = { ...(Object.keys(def).length > 0 ? { default: def } : {}), ...(Object.keys(localizations).length > 0 ? { localizations } : {}) };
    if (Object.keys(branding).length === 0) branding = undefined;
  }

  const endpoints = opts.graph || opts.authorityHost
    ? { ...(opts.graph ? { graph: opts.graph } : {}), ...(opts.authorityHost ? { authorityHost: opts.authorityHost } : {}) }
    : undefined;

  const config: Record<string, unknown> = {
    lifecycle: "protected",
    ...(endpoints ? { endpoints } : {}),
    tenant: { existing: { tenantId: snap.tenantId.toLowerCase(), subdomain: snap.subdomain } },
    apps: apps.map(({ "#": _name, ...a }) => a),
    customAttributes,
    ...(identityProviders.length > 0 ? { identityProviders } : {}),
    userFlows,
    ...(branding ? { branding } : {}),
  };
  return {
    text: render(snap, opts, config, apps, secretCommands, notExported),
    config,
    files,
    secretCommands,
    notExported,
    counts: {
      "custom attributes": customAttributes.length,
      "identity providers": identityProviders.length,
      "user flows": userFlows.length,
      apps: apps.length,
      "branding localizations": snap.localizations.length,
      "branding files": files.length,
    },
  };
}

function identityProviderEntry(key: string, p: DiscoveredIdentityProvider, stack: string, commands: string[]): Record<string, unknown> {
  const secretKey = `${key.replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase())}${p.type === "apple" ? "PrivateKey" : "ClientSecret"}`;
  const what = p.type === "apple" ? "the contents of the .p8 key" : "the client secret";
  commands.push(`pulumi config set --secret --stack ${stack} ${secretKey} '<${what} of ${p.displayName}>'`);
  const base = { key, type: p.type, displayName: p.displayName || DEFAULT_DISPLAY_NAMES[p.type] };
  if (p.type === "apple") return { ...base, developerId: p.developerId, serviceId: p.serviceId, keyId: p.keyId, privateKey: { secretConfig: secretKey } };
  if (p.type === "oidc") {
    return {
      ...base, clientId: p.clientId, clientSecret: { secretConfig: secretKey }, issuer: p.issuer,
      ...(p.wellKnownEndpoint ? { wellKnownEndpoint: p.wellKnownEndpoint } : {}),
      ...(p.scope ? { scope: p.scope } : {}),
      ...(p.clientAuthentication ? { clientAuthentication: p.clientAuthentication } : {}),
    };
  }
  return { ...base, clientId: p.clientId, clientSecret: { secretConfig: secretKey } };
}

function brandingEntry(b: SnapshotBranding, def: SnapshotBranding | undefined, opts: ExportOptions, files: ExportedFile[], notExported: string[]): Record<string, unknown> {
  const where = b.locale === "0" ? "default branding" : `branding localization ${b.locale}`;
  const out: Record<string, unknown> = {};
  for (const key of BRANDING_KEYS) {
    const v = b.values[key];
    if (v === undefined) continue;
    if (def && inherited(key, v, def.values)) continue;
    out[key] = v;
  }
  if (b.unmanaged.length > 0) notExported.push(`${where}: ${b.unmanaged.join(", ")} ${b.unmanaged.length === 1 ? "is" : "are"} not managed by this project; left as ${b.unmanaged.length === 1 ? "it is" : "they are"}`);
  const images: Record<string, string> = {};
  for (const a of b.assets) {
    if (def && sameAsset(a, def.assets)) continue;
    const ext = EXTENSIONS[a.contentType];
    if (!ext) {
      notExported.push(`${where}: the ${a.kind} stream has content type ${a.contentType || "(none)"}, not PNG, JPEG or CSS; left as it is`);
      continue;
    }
    const file = `${opts.brandingDir}/${b.locale === "0" ? "default" : b.locale}-${a.kind}.${ext}`;
    files.push({ path: file, bytes: a.bytes });
    images[a.kind] = file;
  }
  if (Object.keys(images).length > 0) out.images = images;
  return out;
}

function inherited(key: string, value: unknown, defaults: BrandingValues): boolean {
  const d = defaults[key];
  if (d === undefined) return false;
  if (value !== null && typeof value === "object" && d !== null && typeof d === "object") return JSON.stringify(value) === JSON.stringify(d);
  return sameValue(key, value, d);
}

function sameAsset(a: SnapshotAsset, defaults: readonly SnapshotAsset[]): boolean {
  return defaults.some((d) => d.kind === a.kind && d.bytes.equals(a.bytes));
}

// ---------------------------------------------------------------------------------------------- the file

function block(value: unknown): string {
  return stringify(value, { lineWidth: 0 }).trimEnd().split("\n").map((l) => `    ${l}`).join("\n");
}

function render(snap: TenantSnapshot, opts: ExportOptions, config: Record<string, unknown>, apps: Record<string, unknown>[], secrets: readonly string[], notExported: readonly string[]): string {
  const lines: string[] = [];
  const comment = (...text: string[]) => lines.push(...text.map((t) => `  # ${t}`));
  const section = (key: string, ...text: string[]) => {
    if (!(key in config)) return;
    if (lines.length > 0 && lines[lines.length - 1] !== "config:") lines.push("");
    comment(...text);
    const v = config[key];
    lines.push(v !== null && typeof v === "object" && (Array.isArray(v) ? v.length > 0 : Object.keys(v).length > 0) ? `  ${NS}:${key}:\n${block(v)}` : `  ${NS}:${key}: ${stringify(v, { lineWidth: 0 }).trim()}`);
  };
  const head = [
    `# Stack "${opts.stack}": tenant ${snap.tenantId.toLowerCase()} (${snap.subdomain}.onmicrosoft.com${snap.displayName ? `, ${JSON.stringify(snap.displayName)}` : ""}), written by`,
    "# `npm run export`. `pulumi up` adopts every object below as it is (creates find them by name and change nothing),",
    "# and `pulumi preview --expect-no-changes` passes after it. Edit it like any stack config: every key is validated",
    "# by config/schema.ts before any resource is registered; the full shape is in docs/design.md, \"Stack configuration\".",
  ];
  if (secrets.length > 0) {
    head.push("#", "# Graph never returns secrets: before `pulumi up`, set these (the provider's own values, from its console):");
    for (const c of secrets) head.push(`#   ${c}`);
    head.push("# The first `up` writes each of them to its provider: the secret Graph holds cannot be read to compare.");
  }
  if (notExported.length > 0) {
    head.push("#", "# Not exported (left unmanaged: `pulumi up` neither changes nor deletes them):");
    for (const n of notExported) head.push(`#   - ${n}`);
  }
  lines.push(...head, "config:");
  section("lifecycle", "protected: the tenant is adopted, not owned: `pulumi destroy` stops before deleting anything.");
  section("endpoints", "The cloud the tenant was read from.");
  section("tenant", "The tenant exists; the stack only configures it.");
  section("apps", "Apps linked to a user flow, registered outside this stack (by client id); keys are made from their names:", ...apps.filter((a) => a["#"]).map((a) => `  ${String(a.key)}: ${String(a["#"])}`));
  section("customAttributes", "Custom user attributes collected at sign-up.");
  section("identityProviders", "Social and federated identity providers; their secrets are config keys (see the top of this file).");
  section("userFlows", "Sign-up/sign-in user flows; attributes in page order.");
  section("branding", `Company branding: the default and each localization; images and CSS saved under ${opts.brandingDir}/.`);
  return `${lines.join("\n")}\n`;
}
