/**
 * `GET /subscriptions/{sub}/providers/Microsoft.AzureActiveDirectory` and `POST …/register` (Microsoft.Resources
 * Providers API; arm-and-auth reference §1.9: "az provider register --namespace Microsoft.AzureActiveDirectory").
 */
import type { JsonObject } from "../types";
import type { ArmRequestContext, ArmResponse } from "./router";
import { CIAM_API_VERSIONS, DOCUMENTED_LOCATIONS, NAMESPACE } from "./state";

function provider(ctx: ArmRequestContext, registrationState: string): JsonObject {
  const types = ["ciamDirectories", "checkNameAvailability", "operationStatuses", "operationResults"];
  return {
    id: `/subscriptions/${ctx.options.subscriptionId}/providers/${NAMESPACE}`,
    namespace: NAMESPACE,
    registrationState,
    registrationPolicy: "RegistrationRequired",
    resourceTypes: types.map((resourceType) => ({
      resourceType,
      locations: resourceType === "ciamDirectories" ? [...DOCUMENTED_LOCATIONS] : [],
      apiVersions: [...CIAM_API_VERSIONS],
      capabilities: resourceType === "ciamDirectories" ? "SupportsTags, SupportsLocation" : "None",
    })),
  };
}

export function providerInfo(ctx: ArmRequestContext): ArmResponse {
  return { status: 200, body: provider(ctx, ctx.options.providerRegistration) };
}

/** Registration answers `Registering`; the next read shows `Registered`. */
export function registerProvider(ctx: ArmRequestContext): ArmResponse {
  const was = ctx.options.providerRegistration;
  ctx.options.providerRegistration = "Registered";
  return { status: 200, body: provider(ctx, was === "Registered" ? "Registered" : "Registering") };
}
