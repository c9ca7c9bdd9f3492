/**
 * Strict Pulumi mocks for component and program tests.
 *
 * `installMocks()` loads a fresh copy of `@pulumi/pulumi` (call `jest.resetModules()` first, or use
 * {@link freshScenario}), installs mocks that **throw on any resource type or invoke they were not told about**, and
 * records every `RegisterResource` request the SDK sends — type, name, URN, parent, provider, protect,
 * retainOnDelete, ignoreChanges, dependencies and inputs — so tests can assert the whole graph, options included,
 * which `setMocks`'s `newResource` callback alone does not expose.
 *
 * What this does not prove: that Azure, Graph or the engine accept these requests (see the emulator and engine
 * tests); mocks answer every registration instantly and never run a dynamic provider's methods.
 */
import type * as pulumiModule from "@pulumi/pulumi";

export const TENANT_ID = "11111111-2222-3333-4444-555555555555";
export const GRAPH_SP_OBJECT_ID = "99999999-8888-7777-6666-555555555555";
export const MS_GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";

/** Deterministic fake GUID-ish ids derived from a logical name. */
export function fakeId(prefix: string, name: string): string {
  let h = 0;
  for (const c of `${prefix}:${name}`) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  const hex = h.toString(16).padStart(8, "0");
  return `${hex}-0000-4000-8000-${hex}${hex.slice(0, 4)}`;
}

/** One recorded `RegisterResource` request. */
export interface Registration {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  /** URN of the parent ("" for none). */
  readonly parent: string;
  readonly custom: boolean;
  /** Provider reference `urn::id` ("" for the default provider). */
  readonly provider: string;
  readonly protect: boolean;
  readonly retainOnDelete: boolean;
  readonly ignoreChanges: readonly string[];
  /** URNs this resource depends on (explicit `dependsOn` plus every input's dependencies). */
  readonly dependencies: readonly string[];
  /** Inputs with secrets unwrapped. */
  readonly inputs: Record<string, any>;
  /** Names of top-level inputs that were sent as secrets. */
  readonly secretInputs: readonly string[];
  /** The inputs exactly as serialized on the wire (secrets still wrapped). */
  readonly rawInputs: Record<string, any>;
}

export interface InvokeRecord {
  readonly token: string;
  readonly inputs: Record<string, any>;
  readonly provider: string;
}

/** Resource types the mocks answer; anything else fails the registration (and so the test). */
const COMPONENT_TYPES = new Set([
  "ciam-tenant:index:Tenant",
  "ciam-tenant:index:SpaApplication",
  "ciam-tenant:index:SignInExperience",
  "ciam-tenant:index:AutomationIdentity",
]);

/**
 * App roles of the mocked Microsoft Graph service principal, by value. The ids are fakes derived from the name: a
 * component that used hard-coded ids instead of the service principal's `appRoleIds` would not match them.
 */
export const GRAPH_APP_ROLE_IDS: Readonly<Record<string, string>> = Object.fromEntries(
  [
    "AppRoleAssignment.ReadWrite.All",
    "Application.Read.All",
    "Application.ReadWrite.All",
    "Application.ReadWrite.OwnedBy",
    "DelegatedPermissionGrant.ReadWrite.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
    "EventListener.Read.All",
    "EventListener.ReadWrite.All",
    "IdentityUserFlow.Read.All",
    "IdentityUserFlow.ReadWrite.All",
    "IdentityProvider.Read.All",
    "IdentityProvider.ReadWrite.All",
    "Organization.Read.All",
    "Organization.ReadWrite.All",
    "OrganizationalBranding.Read.All",
    "OrganizationalBranding.ReadWrite.All",
    "User.Read.All",
  ].map((p) => [p, fakeId("role", p)]),
);

/** The Graph-backed dynamic resources that write into the tenant (`super(..., "graph", "<Type>")`). */
export const DYNAMIC_TYPES = new Set(
  ["UserFlowAttribute", "UserFlow", "UserFlowAppLink", "DefaultBranding", "BrandingLocalization", "BrandingAsset", "IdentityCheck"].map((t) => `pulumi-nodejs:dynamic/graph:${t}`),
);

/** The lifecycle resources: tenant gates (Graph), preflight (ARM) and the destroy guard. */
export const LIFECYCLE_TYPES = new Set([
  "pulumi-nodejs:dynamic/graph:TenantReadiness",
  "pulumi-nodejs:dynamic/graph:TenantTeardown",
  "pulumi-nodejs:dynamic/arm:TenantPreflight",
  "pulumi-nodejs:dynamic/stack:DestroyGuard",
]);

const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const SIG_KEY = "4dabf18193072939515e22adb298388d";

function unwrapSecrets(value: any): any {
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (value !== null && typeof value === "object") {
    if (value[SIG_KEY] === SECRET_SIG) return unwrapSecrets(value.value);
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapSecrets(v)]));
  }
  return value;
}

function mockState(type: string, name: string, inputs: Record<string, any>, tenantId: string | undefined): { id: string; state: Record<string, any> } {
  if (COMPONENT_TYPES.has(type)) return { id: "", state: {} };
  switch (type) {
    case "azure-native:resources:ResourceGroup":
      return { id: `/subscriptions/sub/resourceGroups/${inputs.resourceGroupName}`, state: { ...inputs, name: inputs.resourceGroupName } };
    case "azure-native:azureactivedirectory:CIAMTenant":
      return {
        // No id while the tenant does not exist (preview of its creation): the SDK then treats the id as unknown.
        id:
          tenantId === undefined
            ? ""
            : `/subscriptions/sub/resourceGroups/${inputs.resourceGroupName}/providers/Microsoft.AzureActiveDirectory/ciamDirectories/${inputs.resourceName}`,
        // tenantId undefined: the tenant does not exist yet (a preview of its creation), so the output is unknown.
        state: { ...inputs, name: inputs.resourceName, ...(tenantId !== undefined ? { tenantId } : {}), domainName: `${inputs.resourceName}.onmicrosoft.com` },
      };
    case "pulumi:providers:azuread":
      return { id: `provider-${name}`, state: inputs };
    case "azuread:index/application:Application": {
      const clientId = fakeId("client", name);
      return { id: `/applications/${fakeId("app", name)}`, state: { ...inputs, clientId, objectId: fakeId("app", name) } };
    }
    case "azuread:index/servicePrincipal:ServicePrincipal":
      return { id: `/servicePrincipals/${fakeId("sp", name)}`, state: { ...inputs, objectId: fakeId("sp", name) } };
    case "azuread:index/servicePrincipalDelegatedPermissionGrant:ServicePrincipalDelegatedPermissionGrant":
      return { id: `/oauth2PermissionGrants/${fakeId("grant", name)}`, state: inputs };
    case "azuread:index/applicationFederatedIdentityCredential:ApplicationFederatedIdentityCredential":
      return { id: `${inputs.applicationId}/federatedIdentityCredential/${fakeId("fic", name)}`, state: { ...inputs, credentialId: fakeId("fic", name) } };
    case "azuread:index/appRoleAssignment:AppRoleAssignment":
      return { id: `/servicePrincipals/${inputs.resourceObjectId}/appRoleAssignedTo/${fakeId("assignment", name)}`, state: inputs };
  }
  if (LIFECYCLE_TYPES.has(type)) {
    const { __provider: _provider, ...rest } = inputs;
    const outputs: Record<string, any> = { ...rest, stateVersion: 1 };
    if (type.endsWith(":TenantReadiness")) outputs.issuer = `https://login.microsoftonline.com/${inputs.connection?.tenantId}/v2.0`;
    // Like the tenant: no id while the tenant does not exist (the preview of its creation), so nothing that
    // waits for these gates (the Graph SP lookup) runs in that preview.
    return { id: tenantId === undefined ? "" : fakeId("lifecycle", name), state: outputs };
  }
  if (DYNAMIC_TYPES.has(type)) {
    const { __provider: _provider, ...rest } = inputs;
    const outputs: Record<string, any> = { ...rest, stateVersion: 1 };
    // As the providers do: a flow's resource id is its Graph id, an attribute's its extension_… id.
    if (type.endsWith(":UserFlow")) outputs.flowId = fakeId("flow", name);
    if (type.endsWith(":UserFlowAttribute")) outputs.attributeId = `extension_b2cextensionsapp_${inputs.displayName}`;
    return { id: outputs.flowId ?? outputs.attributeId ?? fakeId("dyn", name), state: outputs };
  }
  throw new Error(`unexpected resource registration: type ${type}, name ${name}`);
}

export interface Harness {
  readonly pulumi: typeof pulumiModule;
  readonly registrations: Registration[];
  readonly invokes: InvokeRecord[];
  /** Registrations the mocks refused (unexpected types); `settle()` throws when any. */
  readonly failures: string[];
  /** Waits until every registration the program started has been sent; throws if the mocks refused any. */
  settle(): Promise<void>;
  byType(type: string): Registration[];
  byName(name: string): Registration;
  byUrn(urn: string): Registration;
}

export interface MockOptions {
  /** The tenant id the CIAMTenant mock reports; `null`: none yet (unknown in preview). @default TENANT_ID */
  readonly tenantId?: string | null;
  /** Preview mode (outputs of resources unknown). @default false */
  readonly preview?: boolean;
}

/**
 * Loads `@pulumi/pulumi` (fresh after `jest.resetModules()`), installs strict mocks and starts recording.
 * Invokes other than the Microsoft Graph service-principal lookup fail.
 */
export async function installMocks(opts: MockOptions = {}): Promise<Harness> {
  const pulumi = await import("@pulumi/pulumi");
  const tenantId = opts.tenantId === null ? undefined : (opts.tenantId ?? TENANT_ID);
  const registrations: Registration[] = [];
  const invokes: InvokeRecord[] = [];
  const failures: string[] = [];

  await pulumi.runtime.setMocks(
    {
      newResource: (args) => mockState(args.type, args.name, args.inputs, tenantId),
      call: (args) => {
        invokes.push({ token: args.token, inputs: args.inputs, provider: args.provider ?? "" });
        if (args.token === "azuread:index/getServicePrincipal:getServicePrincipal" && args.inputs.clientId === MS_GRAPH_APP_ID) {
          return { clientId: MS_GRAPH_APP_ID, objectId: GRAPH_SP_OBJECT_ID, displayName: "Microsoft Graph", id: GRAPH_SP_OBJECT_ID, appRoleIds: GRAPH_APP_ROLE_IDS };
        }
        throw new Error(`unexpected invoke: ${args.token} ${JSON.stringify(args.inputs)}`);
      },
    },
    "ciam-tenant",
    "test",
    opts.preview ?? false,
  );

  const monitor = pulumi.runtime.getMonitor() as any;
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req: any, callback: (err: any, resp: any) => void) => {
    const rawInputs = req.getObject().toJavaScript() as Record<string, any>;
    return register(req, (err: any, resp: any) => {
      if (err) failures.push(`${req.getType()} ${req.getName()}: ${err?.message ?? err}`);
      else {
        registrations.push({
          type: req.getType(),
          name: req.getName(),
          urn: resp.getUrn(),
          parent: req.getParent(),
          custom: req.getCustom(),
          provider: req.getProvider(),
          protect: req.getProtect() === true,
          retainOnDelete: req.getRetainondelete() === true,
          ignoreChanges: req.getIgnorechangesList(),
          dependencies: req.getDependenciesList(),
          inputs: unwrapSecrets(rawInputs),
          secretInputs: Object.keys(rawInputs).filter((k) => rawInputs[k]?.[SIG_KEY] === SECRET_SIG),
          rawInputs,
        });
      }
      callback(err, resp);
    });
  };

  const find = (pred: (r: Registration) => boolean, what: string): Registration => {
    const found = registrations.filter(pred);
    if (found.length !== 1) throw new Error(`expected exactly one registration with ${what}, found ${found.length}: ${registrations.map((r) => r.name).join(", ")}`);
    return found[0]!;
  };

  return {
    pulumi,
    registrations,
    invokes,
    failures,
    settle: async () => {
      // Registrations wait on their inputs; loop until the RPC queue is quiet twice in a row.
      let last = -1;
      while (last !== registrations.length) {
        last = registrations.length;
        // waitForRPCs is @internal in the SDK's typings but exported at runtime.
        await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
        await new Promise((r) => setTimeout(r, 20));
      }
      if (failures.length) throw new Error(`registrations the mocks refused:\n${failures.join("\n")}`);
    },
    byType: (type) => registrations.filter((r) => r.type === type),
    byName: (name) => find((r) => r.name === name, `name ${name}`),
    byUrn: (urn) => find((r) => r.urn === urn, `urn ${urn}`),
  };
}

/** Resolves an Output (or plain value) in a mock run. `undefined` when unknown (preview). */
export function promiseOf<T>(output: pulumiModule.Input<T> | pulumiModule.Output<T>): Promise<T> {
  const o = output as any;
  // Output.promise() is internal but stable; it resolves to undefined for unknown values instead of hanging.
  if (o && typeof o.promise === "function") return o.promise();
  return Promise.resolve(output as T);
}

/** The chain of parent URNs of a registration, nearest first. */
export function parentChain(h: Harness, r: Registration): string[] {
  const chain: string[] = [];
  let current = r;
  while (current.parent) {
    chain.push(current.parent);
    current = h.byUrn(current.parent);
  }
  return chain;
}

/** The `urn::id` reference of a registered provider. */
export function providerRef(r: Registration): string {
  return `${r.urn}::provider-${r.name}`;
}
