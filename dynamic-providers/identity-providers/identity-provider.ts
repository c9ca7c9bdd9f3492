/**
 * A social (Google, Facebook), Apple or OpenID Connect identity provider of the external tenant
 * (`/identity/identityProviders`, beta), which user flows can then offer next to email sign-in.
 *
 * Graph facts this file rests on (external-id-features.md §1):
 * - POST with `@odata.type` `socialIdentityProvider` (`identityProviderType` Google | Facebook),
 *   `appleManagedIdentityProvider` or `oidcIdentityProvider` → 201 with the id (a GUID; `Apple-Managed-OIDC`), never
 *   computed here: the id create returns is kept. PATCH → 204; `identityProviderType` does not change (a new kind
 *   replaces). One Google, Facebook and Apple provider per tenant; an OIDC provider is known by its issuer.
 * - Write-only values (`clientSecret`, Apple's `certificateData`, the OIDC `clientAuthentication.clientSecret`) read
 *   back masked, so they are never diffed against a read: state keeps a secret-marked hash of the value last
 *   applied, and a different hash is a PATCH of the secret (a rotation); the secret itself is never in outputs.
 * - A create can fail with AADB2C90063 until the tenant has a replicated service principal of the Authentication
 *   Extensions app (§1.8 [observed]): create ensures it exists, then retries that error until the replication wait.
 *
 * The provider runs from the providers package (../reference.ts) and stays serializable by value, the form older
 * states hold (pulumi-notes §2).
 */
import * as pulumi from "@pulumi/pulumi";
import type * as MicrosoftGraphBeta from "@microsoft/microsoft-graph-types-beta";
import { graphClient, isConflict, isGraphError, type GraphClient, type GraphConnection } from "../graph";
import { ProviderError, pollUntil, ruleFailures } from "../core";
import { PartialCreateError, changedKeys, checkConnection, checkOneOf, diffManaged, failure, isUnknown, postOrAdopt, progress, upgradeState, withCleanErrors } from "../provider-kit";
import { ReferencedResource } from "../reference";
import {
  IDENTITY_PROVIDER_FIELDS,
  IDENTITY_PROVIDER_RULES,
  IDENTITY_PROVIDER_TYPES,
  OIDC_CLIENT_AUTHENTICATIONS,
  type IdentityProviderType,
  type OidcClientAuthentication,
} from "./rules";

const STATE_VERSION = 1;
const PROVIDERS = "/identity/identityProviders";
/** The "Azure Active Directory Authentication Extensions" app, whose service principal IdP creates need (§1.8). */
export const AUTH_EXTENSIONS_APP_ID = "99045fe1-7639-4a75-9d4a-577b6ca3810f";

/** Inputs as the provider sees them (every Output resolved). */
export interface IdentityProviderInputs {
  readonly connection: GraphConnection;
  readonly type: IdentityProviderType;
  readonly displayName: string;
  /** Google, Facebook, OIDC: the client (app) id registered at the provider. */
  readonly clientId?: string;
  /** The client secret (Google, Facebook, OIDC) or the content of Apple's .p8 key. A secret input. */
  readonly secret: string;
  /** Apple: team id, service id, key id. */
  readonly developerId?: string;
  readonly serviceId?: string;
  readonly keyId?: string;
  /** OIDC: issuer, metadata URL, scopes and how the tenant authenticates at the token endpoint. */
  readonly issuer?: string;
  readonly wellKnownEndpoint?: string;
  readonly scope?: string;
  readonly clientAuthentication?: OidcClientAuthentication;
}

/** State written by the provider: the inputs without the secret, the Graph id, and the secret's hash (secret-marked). */
export interface IdentityProviderOutputs extends Omit<IdentityProviderInputs, "secret"> {
  /** Graph id: a GUID, or `Apple-Managed-OIDC`; also the resource id. */
  readonly providerId: string;
  /** sha256 of the secret last applied (never the secret): what tells a rotation from no change. */
  readonly secretHash: string;
  /** When the secret was last written to Graph (ISO 8601): Apple's key must be renewed 6 months after. */
  readonly secretAppliedAt?: string;
  readonly stateVersion: number;
}

type GraphProvider = MicrosoftGraphBeta.IdentityProviderBase & Record<string, unknown>;

/** The managed keys of each type (the secret aside). */
const MANAGED: Readonly<Record<IdentityProviderType, readonly (keyof IdentityProviderInputs & string)[]>> = {
  google: ["displayName", "clientId"],
  facebook: ["displayName", "clientId"],
  apple: ["displayName", "developerId", "serviceId", "keyId"],
  oidc: ["displayName", "clientId", "issuer", "wellKnownEndpoint", "scope", "clientAuthentication"],
};

// ---------------------------------------------------------------------------------------------- validation

/** Check failures of the inputs, by the family's rule table. Unknown values (preview) are checked at update time. */
export function validateIdentityProvider(inputs: Partial<IdentityProviderInputs>): pulumi.dynamic.CheckFailure[] {
  const out = [...checkConnection(inputs.connection), ...checkOneOf("type", inputs.type, IDENTITY_PROVIDER_TYPES)];
  out.push(...ruleFailures("displayName", IDENTITY_PROVIDER_RULES.displayName, inputs.displayName, isUnknown));
  const type = inputs.type as IdentityProviderType | undefined;
  if (!type || !IDENTITY_PROVIDER_TYPES.includes(type)) return out;
  const fields = IDENTITY_PROVIDER_FIELDS[type];
  for (const field of fields) {
    // The secret is checked without its value in the message: a failure must not print it.
    const value = (inputs as Record<string, unknown>)[field];
    if (field === "secret") {
      if (!isUnknown(value) && (typeof value !== "string" || value.trim() === "")) out.push(failure("secret", "(secret)", IDENTITY_PROVIDER_RULES.secret.allowed));
      continue;
    }
    out.push(...ruleFailures(field, IDENTITY_PROVIDER_RULES[field], value, isUnknown));
  }
  for (const field of ["clientId", "developerId", "serviceId", "keyId", "issuer", "wellKnownEndpoint", "scope", "clientAuthentication"] as const) {
    if (inputs[field] !== undefined && !(fields as readonly string[]).includes(field) && !(type === "oidc" && field === "clientAuthentication")) {
      out.push(failure(field, inputs[field], `no ${field} for a ${type} provider (it takes ${fields.filter((f) => f !== "secret").join(", ")})`));
    }
  }
  if (type === "oidc" && inputs.clientAuthentication !== undefined) out.push(...checkOneOf("clientAuthentication", inputs.clientAuthentication, OIDC_CLIENT_AUTHENTICATIONS));
  return out;
}

// ---------------------------------------------------------------------------------------------- Graph mapping

/** sha256 of a secret, bound to the tenant: only ever stored secret-marked. */
function secretHash(connection: GraphConnection, secret: string): string {
  const crypto: typeof import("crypto") = require("crypto");
  return crypto.createHash("sha256").update(`ciam-tenant identity provider secret v1\n${connection.tenantId.toLowerCase()}\n${secret}`).digest("hex");
}

const ODATA_TYPE: Readonly<Record<IdentityProviderType, string>> = {
  google: "#microsoft.graph.socialIdentityProvider",
  facebook: "#microsoft.graph.socialIdentityProvider",
  apple: "#microsoft.graph.appleManagedIdentityProvider",
  oidc: "#microsoft.graph.oidcIdentityProvider",
};

/** The body of a create (`all`) or of a PATCH of `keys` (with the secret when `withSecret`). */
function graphBody(inputs: IdentityProviderInputs, keys: readonly string[] | "all", withSecret: boolean): Record<string, unknown> {
  const want = (k: string) => keys === "all" || keys.includes(k);
  const body: Record<string, unknown> = { "@odata.type": ODATA_TYPE[inputs.type] };
  if (want("displayName")) body.displayName = inputs.displayName;
  if (inputs.type === "google" || inputs.type === "facebook") {
    if (keys === "all") body.identityProviderType = inputs.type === "google" ? "Google" : "Facebook";
    if (want("clientId")) body.clientId = inputs.clientId;
    if (withSecret) body.clientSecret = inputs.secret;
  } else if (inputs.type === "apple") {
    for (const k of ["developerId", "serviceId", "keyId"] as const) if (want(k)) body[k] = inputs[k];
    if (withSecret) body.certificateData = inputs.secret;
  } else {
    for (const k of ["clientId", "issuer", "wellKnownEndpoint", "scope"] as const) if (want(k)) body[k] = inputs[k];
    if (keys === "all") body.responseType = "code";
    if (withSecret || want("clientAuthentication")) {
      body.clientAuthentication = {
        "@odata.type": "#microsoft.graph.oidcClientSecretAuthentication",
        clientSecret: inputs.secret,
        clientSecretAuthenticationType: inputs.clientAuthentication ?? "client_secret_post",
      };
    }
  }
  return body;
}

function outputsFrom(inputs: IdentityProviderInputs, providerId: string, secretAppliedAt: string): IdentityProviderOutputs {
  const { secret, ...rest } = inputs;
  return { ...rest, providerId, secretHash: secretHash(inputs.connection, secret), secretAppliedAt, stateVersion: STATE_VERSION };
}

const now = () => new Date().toISOString();

/** The natural key: one provider per social type and one Apple provider per tenant; OIDC providers by issuer. */
function sameProvider(inputs: Pick<IdentityProviderInputs, "type" | "issuer">, p: GraphProvider): boolean {
  const odata = String(p["@odata.type"] ?? "").toLowerCase();
  if (inputs.type === "google" || inputs.type === "facebook") {
    return odata.endsWith("socialidentityprovider") && String(p.identityProviderType ?? "").toLowerCase() === inputs.type;
  }
  if (inputs.type === "apple") return odata.endsWith("applemanagedidentityprovider");
  const norm = (v: unknown) => String(v ?? "").replace(/\/+$/, "").toLowerCase();
  return odata.endsWith("oidcidentityprovider") && norm(p.issuer) === norm(inputs.issuer);
}

async function findExisting(inputs: IdentityProviderInputs): Promise<GraphProvider | undefined> {
  const all = await graphClient(inputs.connection).list<GraphProvider>(PROVIDERS);
  return all.find((p) => sameProvider(inputs, p));
}

/**
 * Takes over the provider of the same natural key: every managed value and the secret are written, since the
 * secret Graph holds cannot be read.
 */
async function adopt(inputs: IdentityProviderInputs, existing: GraphProvider): Promise<pulumi.dynamic.CreateResult<IdentityProviderOutputs>> {
  const id = String(existing.id ?? "");
  progress("identity provider", `adopting the existing ${inputs.type} provider ${JSON.stringify(existing.displayName)} (${id})`);
  try {
    await graphClient(inputs.connection).patch(`${PROVIDERS}/${encodeURIComponent(id)}`, graphBody(inputs, MANAGED[inputs.type], true));
  } catch (e) {
    // Nothing the stack asked for is known to hold: record it with a hash no secret has, so the next up writes again.
    throw new PartialCreateError(id, { ...outputsFrom(inputs, id, now()), secretHash: "" }, e);
  }
  return { id, outs: outputsFrom(inputs, id, now()) };
}

/** A provider as the tenant has it (`npm run export`): its managed values, never a secret (Graph masks them). */
export type DiscoveredIdentityProvider = { readonly id: string } & Omit<IdentityProviderInputs, "connection" | "secret">;

/**
 * The tenant's social, Apple and OIDC providers (`npm run export`), and the others: the built-in ones (email and
 * password, one-time passcode), which flows name by kind, and types this project does not model.
 */
export async function discoverIdentityProviders(client: GraphClient): Promise<{ providers: DiscoveredIdentityProvider[]; others: { id: string; displayName: string; type: string }[] }> {
  const all = await client.list<GraphProvider>(PROVIDERS);
  const providers: DiscoveredIdentityProvider[] = [];
  const others: { id: string; displayName: string; type: string }[] = [];
  const str = (v: unknown) => (typeof v === "string" && v !== "" ? v : undefined);
  for (const p of all) {
    const id = String(p.id ?? "");
    const displayName = String(p.displayName ?? "");
    const odata = String(p["@odata.type"] ?? "").replace(/^#microsoft\.graph\./, "");
    const social = String(p.identityProviderType ?? "").toLowerCase();
    const auth = (p.clientAuthentication ?? {}) as Record<string, unknown>;
    const defined = <T extends object>(o: T) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
    if (odata.toLowerCase() === "socialidentityprovider" && (social === "google" || social === "facebook")) {
      providers.push(defined({ id, type: social, displayName, clientId: str(p.clientId) }));
    } else if (odata.toLowerCase() === "applemanagedidentityprovider") {
      providers.push(defined({ id, type: "apple" as const, displayName, developerId: str(p.developerId), serviceId: str(p.serviceId), keyId: str(p.keyId) }));
    } else if (odata.toLowerCase() === "oidcidentityprovider") {
      const clientAuthentication = str(auth.clientSecretAuthenticationType) as OidcClientAuthentication | undefined;
      providers.push(defined({
        id, type: "oidc" as const, displayName, clientId: str(p.clientId), issuer: str(p.issuer), wellKnownEndpoint: str(p.wellKnownEndpoint),
        scope: str(p.scope), clientAuthentication,
      }));
    } else {
      others.push({ id, displayName, type: odata === "socialIdentityProvider" ? `socialIdentityProvider (${String(p.identityProviderType ?? "")})` : odata });
    }
  }
  return { providers, others };
}

/** Makes sure the tenant has the Authentication Extensions app's service principal (§1.8); another run may race. */
async function ensureAuthExtensions(conn: GraphConnection): Promise<void> {
  const client = graphClient(conn);
  let existing: unknown;
  try {
    existing = await client.getOrUndefined(`/servicePrincipals(appId='${AUTH_EXTENSIONS_APP_ID}')`);
  } catch (e) {
    // A pipeline identity may not read service principals: go on, and say what to do if Graph then refuses.
    if (isGraphError(e) && e.status === 403) return;
    throw e;
  }
  if (existing) return;
  progress("identity provider", `creating the service principal of the Authentication Extensions app (${AUTH_EXTENSIONS_APP_ID}), which identity providers need`);
  try {
    await client.post("/servicePrincipals", { appId: AUTH_EXTENSIONS_APP_ID });
  } catch (e) {
    if (isConflict(e)) return;
    if (isGraphError(e) && e.status === 403) {
      throw new ProviderError("Credential", `${PREREQUISITE_HINT} (this identity may not create it: ${e.message})`);
    }
    throw e;
  }
}

/** What to do when the prerequisite is missing and this run cannot create it. */
const PREREQUISITE_HINT =
  `identity providers need the service principal of the Authentication Extensions app (${AUTH_EXTENSIONS_APP_ID}) in the tenant: ` +
  `create it once as a person (az ad sp create --id ${AUTH_EXTENSIONS_APP_ID}, signed in to the tenant), then run pulumi up again`;

const isPrerequisiteMissing = (e: unknown) => isGraphError(e) && e.code === "AADB2C90063";

/** POST, retrying AADB2C90063 (the prerequisite still replicating) until the replication wait; its error otherwise. */
async function postProvider(inputs: IdentityProviderInputs): Promise<GraphProvider> {
  let last: unknown;
  const outcome = await pollUntil<GraphProvider>({
    deadlineSeconds: inputs.connection.replicationWaitSeconds ?? 120,
    minDelayMs: inputs.connection.minRetryDelayMs ?? 1000,
    probe: async () => {
      try {
        return { done: true, value: await graphClient(inputs.connection).post<GraphProvider>(PROVIDERS, graphBody(inputs, "all", true)) };
      } catch (e) {
        if (!isPrerequisiteMissing(e)) throw e;
        last = e;
        return { done: false, reason: "Graph answered AADB2C90063 (the Authentication Extensions service principal is still replicating)" };
      }
    },
    onWait: (_attempt, reason, waitMs) => progress("identity provider", `${reason}; asking again in ${Math.round(waitMs / 1000)} s`),
  });
  if (outcome.done) return outcome.value;
  throw new ProviderError("Credential", `${(last as Error).message}; ${PREREQUISITE_HINT}`);
}

// ---------------------------------------------------------------------------------------------- provider

function state(props: unknown): IdentityProviderOutputs {
  return upgradeState<IdentityProviderOutputs>((props ?? {}) as Record<string, unknown>, STATE_VERSION);
}

/** Whether the secret differs from the one last applied; unknown in preview counts as changed. */
function secretChanged(olds: IdentityProviderOutputs, news: IdentityProviderInputs): boolean {
  if (isUnknown(news.secret) || isUnknown(news.connection?.tenantId)) return true;
  return olds.secretHash !== secretHash(news.connection, news.secret);
}

export const identityProviderProvider: pulumi.dynamic.ResourceProvider<IdentityProviderInputs, IdentityProviderOutputs> = withCleanErrors({
  async check(_olds, news) {
    return { inputs: news, failures: validateIdentityProvider(news) };
  },

  async diff(_id, olds, news) {
    const old = state(olds);
    const managed = diffManaged<IdentityProviderInputs>({ ...old, secret: "" }, news, {
      updatable: MANAGED[news.type] ?? [],
      // A different kind is another object. The new one is created first: it cannot collide with the old one (another
      // type; the config allows one provider per type), and the flows that offer the old one move to the new one
      // before the old one is deleted, which Graph would refuse while a flow still offers it.
      replaceOn: ["type"],
    });
    const rotated = secretChanged(old, news);
    return { ...managed, changes: managed.changes || rotated };
  },

  async create(inputs) {
    const existing = await findExisting(inputs);
    if (existing) return adopt(inputs, existing);
    await ensureAuthExtensions(inputs.connection);
    return postOrAdopt({
      post: () => postProvider(inputs),
      find: () => findExisting(inputs),
      adopt: (found) => adopt(inputs, found),
      created: (created) => {
        if (!created?.id) throw new ProviderError("UnexpectedAnswer", `Graph POST ${PROVIDERS} answered without an id for the ${inputs.type} provider ${JSON.stringify(inputs.displayName)}`);
        return { id: String(created.id), outs: outputsFrom(inputs, String(created.id), now()) };
      },
    });
  },

  async read(id, props) {
    const old = state(props);
    const providerId = old.providerId || id;
    const live = await graphClient(old.connection).getOrUndefined<GraphProvider>(`${PROVIDERS}/${encodeURIComponent(providerId)}`);
    if (!live) return { id: "", props: undefined };
    const outs: Record<string, unknown> = { ...old, providerId, stateVersion: STATE_VERSION };
    for (const key of MANAGED[old.type] ?? []) {
      if (key === "clientAuthentication") continue; // write-only with its secret: kept from state
      if (live[key] !== undefined) outs[key] = live[key] ?? undefined;
    }
    // The secret reads back masked: its hash stays what was last applied (a change made elsewhere is not visible).
    return { id, props: outs as unknown as IdentityProviderOutputs };
  },

  async update(id, olds, news) {
    const old = state(olds);
    const providerId = old.providerId || id;
    const keys = changedKeys<IdentityProviderInputs>({ ...old, secret: "" }, news, MANAGED[news.type]);
    const rotated = secretChanged(old, news);
    if (keys.length > 0 || rotated) {
      await graphClient(news.connection).patch(`${PROVIDERS}/${encodeURIComponent(providerId)}`, graphBody(news, keys, rotated));
    }
    return { outs: outputsFrom(news, providerId, rotated || !old.secretAppliedAt ? now() : old.secretAppliedAt) };
  },

  async delete(id, props) {
    const old = state(props);
    await graphClient(old.connection).delete(`${PROVIDERS}/${encodeURIComponent(old.providerId || id)}`);
  },
});

// ---------------------------------------------------------------------------------------------- resource

export interface IdentityProviderArgs {
  /** The tenant and Graph endpoint; holds no secret. */
  readonly connection: pulumi.Input<GraphConnection>;
  /** `google`, `facebook`, `apple` or `oidc`; a change replaces the provider. */
  readonly type: pulumi.Input<IdentityProviderType>;
  /** Shown on the sign-in button. */
  readonly displayName: pulumi.Input<string>;
  readonly clientId?: pulumi.Input<string>;
  /** The client secret or Apple's .p8 key: pass a secret (`pulumi.secret`, or secret config). Never stored in outputs. */
  readonly secret: pulumi.Input<string>;
  readonly developerId?: pulumi.Input<string>;
  readonly serviceId?: pulumi.Input<string>;
  readonly keyId?: pulumi.Input<string>;
  readonly issuer?: pulumi.Input<string>;
  readonly wellKnownEndpoint?: pulumi.Input<string>;
  readonly scope?: pulumi.Input<string>;
  /** OIDC only. @default "client_secret_post" */
  readonly clientAuthentication?: pulumi.Input<OidcClientAuthentication>;
}

/** A social, Apple or OpenID Connect identity provider that user flows can offer. */
export class IdentityProvider extends ReferencedResource {
  // `declare`, not `!`: with ES2022 class fields an emitted field would reset the output set by super().
  /** Graph id (a GUID, or `Apple-Managed-OIDC`): what a user flow's identity providers refer to. */
  declare readonly providerId: pulumi.Output<string>;
  /** When the secret was last written (ISO 8601). */
  declare readonly secretAppliedAt: pulumi.Output<string>;
  declare readonly stateVersion: pulumi.Output<number>;

  constructor(name: string, args: IdentityProviderArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      "graph:IdentityProvider",
      identityProviderProvider,
      name,
      { ...args, secret: pulumi.secret(args.secret), providerId: undefined, secretHash: undefined, secretAppliedAt: undefined, stateVersion: undefined },
      { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), "secretHash"] },
    );
  }
}
