/**
 * The stack the engine tests and the benchmark deploy: an existing tenant and an existing app (so no azure-native or
 * azuread plugin is needed) with every Graph-backed resource of the project: a custom attribute, a user flow linked
 * to the app, the default branding with an image, and a French localization with its own image.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { AddedApplication, Emulator, EmulatorOptions, RecordedRequest, startEmulator } from "../emulator";
import { EngineStack } from "./engine";

export type ScenarioApp = AddedApplication;

/** The stack config (keys without the `ciam-tenant:` namespace), as a user writes it in Pulumi.<stack>.yaml. */
export function scenarioConfig(emu: Emulator, app: ScenarioApp) {
  return {
    tenant: { existing: { tenantId: emu.tenantId, subdomain: emu.options.subdomain } },
    apps: [{ key: "spa", existing: { clientId: app.appId } }],
    customAttributes: [{ name: "LoyaltyNumber", dataType: "string", description: "Loyalty card number" }],
    userFlows: [
      {
        key: "sisu",
        displayName: "SignUpSignIn",
        identityProviders: ["emailPassword"],
        attributes: [
          { attribute: "email", required: true },
          { attribute: "displayName", required: false },
          { attribute: "LoyaltyNumber", required: false },
        ],
        apps: ["spa"],
      },
    ],
    branding: {
      default: { backgroundColor: "#F0F4F8", signInPageText: "Welcome to Contoso", images: { bannerLogo: "branding/banner.png" } },
      localizations: { "fr-FR": { signInPageText: "Bienvenue chez Contoso", images: { bannerLogo: "branding/banner-fr.png" } } },
    },
    endpoints: { graph: emu.url, authorityHost: emu.url },
    // Short deadlines keep a failing run short; minimum back-off is not configurable from the stack (by design).
    graph: { retryDeadlineSeconds: 120, replicationWaitSeconds: 60, maxConcurrentRequests: 4 },
    // A test stack may be destroyed (the default, protected, makes destroy stop at the guard: lifecycle.test.ts).
    // With an existing tenant, ephemeral adds no teardown: destroy removes only what the stack made.
    lifecycle: "ephemeral" as "ephemeral" | "protected",
  };
}
export type ScenarioConfig = ReturnType<typeof scenarioConfig>;

/** Logical names of every resource the scenario registers (the stack itself included), by URN type. */
export const SCENARIO_RESOURCES = [
  "pulumi:pulumi:Stack::ciam-tenant-e2e",
  "ciam-tenant:index:Tenant::ciam",
  "pulumi-nodejs:dynamic/graph:TenantReadiness::ciam-ready",
  "pulumi-nodejs:dynamic/graph:IdentityCheck::ciam-identity-check",
  "pulumi-nodejs:dynamic/stack:DestroyGuard::destroy-guard",
  "ciam-tenant:index:SpaApplication::spa",
  "ciam-tenant:index:SignInExperience::sign-in",
  "pulumi-nodejs:dynamic/graph:UserFlowAttribute::sign-in-attr-LoyaltyNumber",
  "pulumi-nodejs:dynamic/graph:UserFlow::sign-in-flow-sisu",
  "pulumi-nodejs:dynamic/graph:UserFlowAppLink::sign-in-link-sisu-spa",
  "pulumi-nodejs:dynamic/graph:DefaultBranding::sign-in-branding-default",
  "pulumi-nodejs:dynamic/graph:BrandingAsset::sign-in-asset-default-bannerLogo",
  "pulumi-nodejs:dynamic/graph:BrandingLocalization::sign-in-branding-fr-FR",
  "pulumi-nodejs:dynamic/graph:BrandingAsset::sign-in-asset-fr-FR-bannerLogo",
].sort();

/** `<type>::<name>` of a URN (`urn:pulumi:<stack>::<project>::<parent$type>::<name>`), without the parent chain. */
export function typeAndName(urn: string): string {
  const parts = urn.split("::");
  const type = parts[parts.length - 2]!.split("$").pop()!;
  return `${type}::${parts[parts.length - 1]}`;
}

/** A running emulator, an existing app with its service principal, and an initialized stack with the config set. */
export interface Scenario {
  emu: Emulator;
  app: ScenarioApp;
  stack: EngineStack;
  config: ScenarioConfig;
}

export async function startScenario(options: Partial<EmulatorOptions> = {}): Promise<Scenario> {
  const emu = await startEmulator(options);
  const app = emu.store.addApplication({ displayName: "contoso-spa", withServicePrincipal: true });
  emu.store.settle();
  const stack = new EngineStack(emu);
  await stack.init();
  const config = scenarioConfig(emu, app);
  stack.writeConfig(config);
  return { emu, app, stack, config };
}

/**
 * `METHOD /path` of a Graph write with the tenant id, object ids and the b2c-extensions app id replaced by
 * placeholders, so that runs compare across emulators.
 */
export function describeWrite(emu: Emulator, r: RecordedRequest): string {
  return `${r.method} ${normalizePath(emu, r.path)}`;
}

export function normalizePath(emu: Emulator, p: string): string {
  return p
    .replace(new RegExp(emu.tenantId, "gi"), "{tenant}")
    .replace(/extension_[0-9a-f]{32}_/gi, "extension_{b2c}_")
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, "{id}");
}

/** Successful Graph writes (what changed the tenant), normalized and sorted. */
export function appliedWrites(emu: Emulator): string[] {
  return emu
    .writes()
    .filter((w) => w.status >= 200 && w.status < 300)
    .map((w) => describeWrite(emu, w))
    .sort();
}

/** Graph requests (login excluded) by method, e.g. `{ GET: 12, POST: 3 }`. */
export function requestsByMethod(emu: Emulator): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of emu.requests) if (r.version !== null) out[r.method] = (out[r.method] ?? 0) + 1;
  return out;
}

/** Bytes of a project file of the stack's program copy. */
export function projectFile(stack: EngineStack, rel: string): Buffer {
  return fs.readFileSync(path.join(stack.projectDir, rel));
}
