/**
 * A wrong identity fails before anything is written, with an error that says which tenant or permission is missing
 * and how to fix it — against the emulator with a real @azure/identity credential:
 *  - the identity check (run by the engine on every preview and update) refuses a token of another tenant and an
 *    app token missing a permission the config's features need, sending no Graph request at all;
 *  - the Graph layer refuses a token of another tenant before sending the call;
 *  - with the emulator enforcing its own copy of the documented permissions, the providers run with exactly
 *    `requiredApplicationPermissions(features)`, and a 403 names the permission that call needs.
 *
 * Does not prove: which claims real Entra tokens carry in every case (documented: tid, roles, idtyp; reference
 * access-token-claims), nor that Graph's 403 for these APIs always has the code Authorization_RequestDenied.
 */
import { randomUUID } from "node:crypto";
import { graphClient, GraphIdentityError, GraphRequestError, requiredApplicationPermissions, type StackFeatures } from "../../dynamic-providers/graph";
import { identityCheckProvider, verifyIdentity } from "../../dynamic-providers/tenant/identity-check";
import { userFlowAttributeProvider } from "../../dynamic-providers/user-flows/attribute";
import { userFlowProvider } from "../../dynamic-providers/user-flows/user-flow";
import { defaultBrandingProvider } from "../../dynamic-providers/branding/default-branding";
import { DEFAULT_APP_ROLES } from "../emulator";
import { rejectionOf, useEmulator } from "../dynamic-providers/flows-fixtures";

const fixture = useEmulator();
const ALL: StackFeatures = { apps: true, customAttributes: true, userFlows: true, branding: true, identityProviders: true };
const GRAPH_ONLY: StackFeatures = { apps: false, customAttributes: true, userFlows: true, branding: true, identityProviders: false };

beforeEach(() => {
  // Each test issues tokens with other claims: drop the provider process's cached credentials (and their tokens).
  delete (globalThis as Record<string, unknown>)["ciam-tenant.graph.credentials"];
});

afterEach(() => {
  const { emu } = fixture();
  emu.options.appRoles = [...DEFAULT_APP_ROLES];
  emu.options.enforceAppRoles = false;
  emu.options.tokenTenantId = undefined;
  delete process.env.AZURE_TENANT_ID;
});

describe("identity check (before the first write)", () => {
  test("GIVEN an app token with every needed permission WHEN checked THEN it passes after one token request and no Graph request", async () => {
    const { emu, connection, graphCalls } = fixture();
    await expect(identityCheckProvider.check!({} as never, { connection, features: ALL })).resolves.toEqual({ inputs: { connection, features: ALL } });
    expect(graphCalls()).toEqual([]);
    expect(emu.requests.filter((r) => r.path.endsWith("/oauth2/v2.0/token"))).toHaveLength(1);
  });

  test("GIVEN an app token holding only EventListener.ReadWrite.All WHEN a stack with attributes and branding is checked THEN each missing permission, its purpose, the token's roles and the fix are named, and nothing is sent to Graph", async () => {
    const { emu, connection, graphCalls } = fixture();
    emu.options.appRoles = ["EventListener.ReadWrite.All"];
    const error = await rejectionOf(identityCheckProvider.check!({} as never, { connection, features: GRAPH_ONLY }));
    expect(error).toBeInstanceOf(GraphIdentityError);
    expect(error.message).toBe(
      `The token of app ${emu.clientId} lacks Microsoft Graph application permissions this stack's config needs, so nothing was changed:\n` +
        "  - IdentityUserFlow.ReadWrite.All: find custom user attributes by name (adoption, drift); create, update and delete custom user attributes\n" +
        "  - Organization.Read.All: check that the tenant answers before anything is written into it (readiness gate); read the default branding, localizations and images (adoption, drift, restore on destroy)\n" +
        "  - OrganizationalBranding.ReadWrite.All: read the default branding, localizations and images (adoption, drift, restore on destroy); " +
        "update the default branding, create/update/delete localizations, upload images and CSS\n" +
        "It carries: EventListener.ReadWrite.All. Fix: enable ciam-tenant:automation and have a person (Global Administrator of the tenant) " +
        'run "pulumi up" once — the automation component grants exactly the permissions the config needs, with admin consent — or grant ' +
        "them to the app in the Entra admin center (App registrations > API permissions > Microsoft Graph > Application permissions > " +
        "Grant admin consent). A new permission reaches the next token, a few minutes later.",
    );
    expect(graphCalls()).toEqual([]);
  });

  test("GIVEN a token issued for another tenant WHEN checked THEN both tenants and the fix are named and nothing is sent to Graph", async () => {
    const { emu, connection, graphCalls } = fixture();
    const home = randomUUID();
    emu.options.tokenTenantId = home;
    process.env.AZURE_TENANT_ID = home;
    const error = await rejectionOf(verifyIdentity(connection, ALL));
    expect(error).toBeInstanceOf(GraphIdentityError);
    expect(error.message).toContain(`The token of app ${emu.clientId} was issued for tenant ${home}, but the stack's CIAM tenant is ${emu.tenantId}`);
    expect(error.message).toContain(`AZURE_TENANT_ID/ARM_TENANT_ID name ${home}: set them to ${emu.tenantId}.`);
    expect(error.message).toContain(`az login --tenant ${emu.tenantId} --allow-no-subscriptions`);
    expect(graphCalls()).toEqual([]);
  });

  test("GIVEN a tenant still unknown (preview of its creation) WHEN checked THEN no token is requested", async () => {
    const { emu, connection } = fixture();
    const unknown = { ...connection, tenantId: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" };
    await identityCheckProvider.check!({} as never, { connection: unknown, features: ALL });
    expect(emu.requests).toEqual([]);
  });

  test("GIVEN contradictory client ids WHEN checked THEN the identity error names both, before any request", async () => {
    const { emu, connection } = fixture();
    process.env.ARM_CLIENT_ID = randomUUID();
    try {
      const error = await rejectionOf(verifyIdentity(connection, ALL));
      expect(error).toBeInstanceOf(GraphIdentityError);
      expect(error.message).toContain(`AZURE_CLIENT_ID (${emu.clientId}) and ARM_CLIENT_ID (${process.env.ARM_CLIENT_ID})`);
      expect(emu.requests).toEqual([]);
    } finally {
      delete process.env.ARM_CLIENT_ID;
    }
  });
});

describe("Graph layer", () => {
  test("GIVEN a token issued for another tenant WHEN a provider writes THEN the call is refused before it is sent", async () => {
    const { emu, connection, graphCalls } = fixture();
    emu.options.tokenTenantId = randomUUID();
    const error = await rejectionOf(userFlowAttributeProvider.create!({ connection, displayName: "Hobby", dataType: "string" }));
    expect(error).toBeInstanceOf(GraphIdentityError);
    expect(error.message).toContain(`but the stack's CIAM tenant is ${emu.tenantId}`);
    expect(graphCalls()).toEqual([]);
  });
});

describe("exactly the needed permissions, against the emulator's own documented table", () => {
  const flowInputs = (connection: ReturnType<typeof fixture>["connection"]) => ({
    connection,
    displayName: "SignUpSignIn",
    isSignUpAllowed: true,
    identityProviders: ["EmailPassword-OAUTH"],
    attributes: [{ id: "email", required: true }],
  });

  test("GIVEN enforcement and exactly requiredApplicationPermissions WHEN attributes, flows and branding are created and deleted THEN every call is allowed", async () => {
    const { emu, connection, graphCalls } = fixture();
    emu.options.enforceAppRoles = true;
    emu.options.appRoles = requiredApplicationPermissions(GRAPH_ONLY);
    const attr = await userFlowAttributeProvider.create!({ connection, displayName: "Hobby", dataType: "string" });
    const flow = await userFlowProvider.create!(flowInputs(connection));
    const branding = await defaultBrandingProvider.create!({ connection, properties: { signInPageText: "Welcome" } });
    await defaultBrandingProvider.delete!(branding.id, branding.outs!);
    await userFlowProvider.delete!(flow.id, flow.outs!);
    await userFlowAttributeProvider.delete!(attr.id, attr.outs!);
    expect(graphCalls().filter((c) => c.status === 403)).toEqual([]);
    expect(graphCalls().length).toBeGreaterThan(6);
  });

  test("GIVEN enforcement and the needed permissions minus OrganizationalBranding.ReadWrite.All WHEN branding is created THEN Graph's 403 names that permission, what the token carries and the fix", async () => {
    const { emu, connection } = fixture();
    emu.options.enforceAppRoles = true;
    emu.options.appRoles = requiredApplicationPermissions(GRAPH_ONLY).filter((p) => p !== "OrganizationalBranding.ReadWrite.All");
    const error = await rejectionOf(defaultBrandingProvider.create!({ connection, properties: { signInPageText: "Welcome" } }));
    expect(error.message).toContain("403 Authorization_RequestDenied: Insufficient privileges to complete the operation.");
    expect(error.message).toContain("needs the application permission OrganizationalBranding.Read");
    expect(error.message).toContain(`The token of app ${emu.clientId} carries: ${emu.options.appRoles.join(", ")}.`);
    expect(error.message).toContain("Grant admin consent");
  });

  test("GIVEN enforcement and no EventListener permission WHEN a flow is written directly THEN the 403 error names EventListener.ReadWrite.All and its page", async () => {
    const { emu, connection } = fixture();
    emu.options.enforceAppRoles = true;
    emu.options.appRoles = ["IdentityUserFlow.ReadWrite.All"];
    const error = await rejectionOf(graphClient(connection).post("/identity/authenticationEventsFlows", { displayName: "x" }));
    expect(error).toBeInstanceOf(GraphRequestError);
    expect((error as GraphRequestError).status).toBe(403);
    expect(error.message).toContain(
      "This call (create, update and delete user flows; add/remove identity providers and attributes; link/unlink apps) needs the application permission EventListener.ReadWrite.All (https://learn.microsoft.com/en-us/graph/api/identitycontainer-post-authenticationeventsflows).",
    );
  });
});
