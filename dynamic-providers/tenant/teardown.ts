/**
 * Empties a disposable (`lifecycle: ephemeral`) tenant the stack created, so that ARM can delete it.
 *
 * Where it sits: it depends on the tenant (through TenantReadiness) and everything written into the tenant depends
 * on it. The engine deletes dependents first, so on `pulumi destroy` its `delete` runs after every object the stack
 * manages is gone and before the tenant's own ARM delete — the place to remove what the stack did not create but
 * what still blocks deletion.
 *
 * What blocks deleting an external tenant (reference arm-and-auth §1.7 [verified: entra
 * how-to-delete-external-tenant-portal]): users other than the Global Administrator deleting it; app registrations
 * "including the b2c-extensions-app"; user flows ("might need to"). Custom attributes live on the b2c-extensions-app
 * and go first. Order: user flows → custom attributes → service principals of the tenant's own apps → app
 * registrations (b2c-extensions-app last) → users other than the Global Administrators and the user running the
 * stack → soft-deleted users and apps
 * → the app registration running the stack, if one does (its token is already cached; a new one would be refused).
 *
 * Every delete goes through the Graph layer (concurrency per tenant, 429 Retry-After pauses the tenant, deadlines);
 * each step lists what is still there, so a rerun after a crash half-way carries on, and an object already gone
 * (404) counts as deleted. A protected stack never gets here (see DestroyGuard); `delete` still does nothing unless
 * the state says `ephemeral`.
 */
import * as pulumi from "@pulumi/pulumi";
import type * as MicrosoftGraphBeta from "@microsoft/microsoft-graph-types-beta";
import { callerIdentity, graphClient, isGraphError, type GraphClient, type GraphConnection } from "../graph";
import { endSentence, selectIdentity, LIFECYCLES, type TenantLifecycle } from "../core";
import { checkConnection, checkOneOf, diffManaged, inputsAsState, odataString, progress, withCleanErrors } from "../provider-kit";
import { ReferencedResource } from "../reference";

const STATE_VERSION = 1;

/**
 * Role template id of Global Administrator, the same in every tenant: the tenant's creator holds it, and the
 * deletion prerequisites let the administrator stay.
 * @see https://learn.microsoft.com/en-us/entra/identity/role-based-access-control/permissions-reference#global-administrator
 */
export const GLOBAL_ADMINISTRATOR_TEMPLATE_ID = "62e90394-69f5-4237-9190-012177145e10";

/**
 * Start of the display name of the app that holds the tenant's directory extensions (custom attributes); the full
 * name reads "b2c-extensions-app. Do not modify. Used by AADB2C for storing user data."
 */
export const B2C_EXTENSIONS_APP_NAME = "b2c-extensions-app";

export interface TenantTeardownInputs {
  readonly connection: GraphConnection;
  /** Only `ephemeral` empties the tenant on delete. */
  readonly lifecycle: TenantLifecycle;
}

export interface TenantTeardownOutputs extends TenantTeardownInputs {
  readonly stateVersion: number;
}

/** What the teardown deleted, by kind (ids), for its summary line and for tests. */
export interface TeardownReport {
  readonly userFlows: string[];
  readonly customAttributes: string[];
  readonly servicePrincipals: string[];
  readonly applications: string[];
  readonly users: string[];
  /** Users left in place because they administer the tenant. */
  readonly keptUsers: string[];
}

export function validateTenantTeardown(inputs: Partial<TenantTeardownInputs>): pulumi.dynamic.CheckFailure[] {
  return [...checkConnection(inputs.connection), ...checkOneOf("lifecycle", inputs.lifecycle, LIFECYCLES)];
}

type Flow = MicrosoftGraphBeta.AuthenticationEventsFlow;
type Attribute = MicrosoftGraphBeta.IdentityUserFlowAttribute;
type Application = MicrosoftGraphBeta.Application;
type ServicePrincipal = MicrosoftGraphBeta.ServicePrincipal;
type User = MicrosoftGraphBeta.User;
type DirectoryObject = MicrosoftGraphBeta.DirectoryObject;

/** Deletes every path (concurrently, bounded by the Graph layer's per-tenant limit); 404 counts as deleted. */
async function deleteAll(client: GraphClient, paths: string[]): Promise<void> {
  await Promise.all(paths.map((p) => client.delete(p)));
}

/** Object ids of the tenant's Global Administrators, who stay (one of them is running the stack). */
async function administratorIds(client: GraphClient): Promise<Set<string>> {
  const members = await client.list<DirectoryObject>(
    `/directoryRoles(roleTemplateId=${odataString(GLOBAL_ADMINISTRATOR_TEMPLATE_ID)})/members?$select=id`,
  );
  return new Set(members.map((m) => (m.id ?? "").toLowerCase()));
}

/**
 * Who runs the stack, from the tenant token's claims: a user stays (with the Global Administrators); an app
 * registration goes last, since deleting it (or its service principal) ends token issuance for the rest of the
 * teardown, which then runs on the token already cached.
 */
async function caller(connection: GraphConnection): Promise<{ userId?: string; appId?: string }> {
  const identity = await callerIdentity(connection);
  if (identity.kind === "user") return { userId: identity.objectId };
  if (identity.kind === "app") return { appId: identity.appId };
  // Unreadable token: fall back to the app the environment names, if one (a person's CLI login names none).
  // (The token was just obtained with this same selection, so it cannot throw here.)
  const clientId = selectIdentity(process.env).clientId;
  return clientId ? { appId: clientId.toLowerCase() } : {};
}

/**
 * Empties the tenant of everything that blocks its deletion and returns what it deleted. Idempotent: run again
 * after a failure half-way, it deletes what is left.
 */
export async function emptyTenant(connection: GraphConnection, step = "tenant-teardown"): Promise<TeardownReport> {
  const client = graphClient(connection);
  const tenantId = connection.tenantId;
  const enc = encodeURIComponent;
  const say = (what: string) => progress(step, `tenant ${tenantId}: ${what}`);
  const runner = await caller(connection);

  const flows = await client.list<Flow>("/identity/authenticationEventsFlows?$select=id");
  const flowIds = ids(flows);
  if (flowIds.length) say(`deleting ${flowIds.length} user flow(s)`);
  await deleteAll(client, flowIds.map((id) => `/identity/authenticationEventsFlows/${enc(id)}`));

  const attributes = await client.list<Attribute>(`/identity/userFlowAttributes?$filter=userFlowAttributeType eq ${odataString("custom")}&$select=id`);
  const attributeIds = ids(attributes);
  if (attributeIds.length) say(`deleting ${attributeIds.length} custom attribute(s)`);
  await deleteAll(client, attributeIds.map((id) => `/identity/userFlowAttributes/${enc(id)}`));

  // Only service principals of the tenant's own app registrations: Microsoft's first-party ones (Microsoft Graph,
  // …) are not registrations and do not block deletion.
  const apps = await client.list<Application>("/applications?$select=id,appId,displayName");
  const isCaller = (appId: string | null | undefined) => runner.appId !== undefined && (appId ?? "").toLowerCase() === runner.appId;
  const ownAppIds = new Set(apps.map((a) => (a.appId ?? "").toLowerCase()));
  const sps = (await client.list<ServicePrincipal>("/servicePrincipals?$select=id,appId")).filter((sp) => ownAppIds.has((sp.appId ?? "").toLowerCase()));
  const otherSps = sps.filter((sp) => !isCaller(sp.appId));
  if (otherSps.length) say(`deleting ${otherSps.length} service principal(s)`);
  await deleteAll(client, ids(otherSps).map((id) => `/servicePrincipals/${enc(id)}`));

  // b2c-extensions-app after the others: the custom attributes above were its extension properties.
  const isExtensionsApp = (a: Application) => (a.displayName ?? "").startsWith(B2C_EXTENSIONS_APP_NAME);
  const otherApps = apps.filter((a) => !isExtensionsApp(a) && !isCaller(a.appId));
  const extensionApps = apps.filter(isExtensionsApp);
  if (otherApps.length + extensionApps.length) say(`deleting ${otherApps.length + extensionApps.length} app registration(s), ${B2C_EXTENSIONS_APP_NAME} included`);
  await deleteAll(client, ids(otherApps).map((id) => `/applications/${enc(id)}`));
  await deleteAll(client, ids(extensionApps).map((id) => `/applications/${enc(id)}`));

  const admins = await administratorIds(client);
  if (runner.userId) admins.add(runner.userId);
  const users = await client.list<User>("/users?$select=id,userPrincipalName");
  const kept = users.filter((u) => admins.has((u.id ?? "").toLowerCase()));
  const doomed = users.filter((u) => !admins.has((u.id ?? "").toLowerCase()));
  if (doomed.length) say(`deleting ${doomed.length} user(s); keeping ${kept.length} (Global Administrators and the user running the stack)`);
  await deleteAll(client, ids(doomed).map((id) => `/users/${enc(id)}`));

  // Deleted users and apps stay 30 days in deletedItems; they are purged so that they cannot hold the tenant
  // (whether they would is [inferred]: arm-and-auth §1.7).
  await purgeDeleted(client, say);

  // Last: the app running the stack, on the token already issued.
  const callerSps = sps.filter((sp) => isCaller(sp.appId));
  const callerApps = apps.filter((a) => isCaller(a.appId));
  if (callerApps.length) say(`deleting the app registration running this stack (${runner.appId}) last`);
  await deleteAll(client, ids(callerSps).map((id) => `/servicePrincipals/${enc(id)}`));
  await deleteAll(client, ids(callerApps).map((id) => `/applications/${enc(id)}`));
  if (callerApps.length) await purgeDeleted(client, say);

  return {
    userFlows: flowIds,
    customAttributes: attributeIds,
    servicePrincipals: ids([...otherSps, ...callerSps]),
    applications: ids([...otherApps, ...extensionApps, ...callerApps]),
    users: ids(doomed),
    keptUsers: ids(kept),
  };
}

function ids(objects: readonly { id?: string | null }[]): string[] {
  return objects.map((o) => o.id ?? "").filter((id) => id !== "");
}

/** Purges soft-deleted users and applications (`/directory/deletedItems`); 404 = already purged. */
async function purgeDeleted(client: GraphClient, say: (what: string) => void): Promise<void> {
  const deleted = [
    ...(await client.list<DirectoryObject>("/directory/deletedItems/microsoft.graph.user?$select=id")),
    ...(await client.list<DirectoryObject>("/directory/deletedItems/microsoft.graph.application?$select=id")),
  ];
  if (deleted.length) say(`purging ${deleted.length} deleted user(s)/app(s) from deletedItems`);
  await deleteAll(client, ids(deleted).map((id) => `/directory/deletedItems/${encodeURIComponent(id)}`));
}

const recorded = inputsAsState<TenantTeardownInputs>(STATE_VERSION);

export const tenantTeardownProvider: pulumi.dynamic.ResourceProvider<TenantTeardownInputs, TenantTeardownOutputs> = withCleanErrors({
  async check(_olds, news) {
    return { inputs: news, failures: validateTenantTeardown(news) };
  },

  async diff(_id, olds, news) {
    // A new lifecycle is recorded in state (update, no call): delete() reads the last one written.
    return diffManaged<TenantTeardownInputs>(recorded.state(olds), news, { updatable: ["lifecycle"], replaceOn: [] });
  },

  async create(inputs) {
    return { id: inputs.connection.tenantId, outs: { ...inputs, stateVersion: STATE_VERSION } };
  },

  read: recorded.read,
  update: recorded.update,

  async delete(_id, props) {
    const old = recorded.state(props);
    if (old.lifecycle !== "ephemeral") return; // protected: never empty the tenant
    try {
      await emptyTenant(old.connection);
    } catch (e) {
      if (isGraphError(e)) {
        e.message = `emptying tenant ${old.connection.tenantId} before its deletion stopped: ${endSentence(e.message)} Run pulumi destroy again to carry on.`;
      }
      throw e;
    }
  },
});

export interface TenantTeardownArgs {
  /** The tenant's Graph connection; holds no secret. */
  readonly connection: pulumi.Input<GraphConnection>;
  /**
   * `ephemeral`: on delete, empty the tenant of what blocks its deletion. `protected`: delete does nothing.
   * @see https://learn.microsoft.com/en-us/entra/external-id/customers/how-to-delete-external-tenant-portal
   */
  readonly lifecycle: pulumi.Input<TenantLifecycle>;
}

/** Empties a disposable tenant before ARM deletes it; see the file header. */
export class TenantTeardown extends ReferencedResource {
  declare readonly lifecycle: pulumi.Output<TenantLifecycle>;
  declare readonly stateVersion: pulumi.Output<number>;

  constructor(name: string, args: TenantTeardownArgs, opts?: pulumi.CustomResourceOptions) {
    super("graph:TenantTeardown", tenantTeardownProvider, name, { ...args, stateVersion: undefined }, opts);
  }
}
