/**
 * The link of an application (by client id) to a user flow:
 * `/identity/authenticationEventsFlows/{id}/conditions/applications/includeApplications/{appId}`.
 *
 * Graph facts this file rests on (reference: graph-api.md §3.2, §3.5, §6):
 * - "An application can only be linked to one user flow"; the flow an app is linked to is found with the documented
 *   `includeApplications/any()` filter, which also makes create idempotent.
 * - "The app must have an associated service principal in the tenant": the service principal is usually created
 *   moments before by another resource, so the POST rides out replication lag (404 / NoBackingApplicationObject).
 * - The link is keyed on `appId`; nothing about it can change in place, so every change replaces it, deleting first
 *   (the app may be linked to one flow only).
 *
 * The provider runs from the providers package (../reference.ts) and stays serializable by value, the form older states hold (pulumi-notes §2): plain functions only,
 * SDK modules are required inside the Graph layer at call time, and `@pulumi/pulumi` is used by the resource class
 * alone, never inside a provider method.
 */
import * as pulumi from "@pulumi/pulumi";
import type * as MicrosoftGraphBeta from "@microsoft/microsoft-graph-types-beta";
import { graphClient, isGraphError, type GraphClient, type GraphConnection } from "../graph";
import { isAnswerLost, isNotFound, isGuid, sameGuid, ProviderError } from "../core";
import { checkConnection, diffManaged, failure, isUnknown, odataString, upgradeState, withCleanErrors } from "../provider-kit";
import { ReferencedResource } from "../reference";

const STATE_VERSION = 1;
const FLOWS = "/identity/authenticationEventsFlows";

/** Inputs as the provider sees them (every Output resolved). */
export interface UserFlowAppLinkInputs {
  readonly connection: GraphConnection;
  /** Graph id of the flow (GUID). */
  readonly userFlowId: string;
  /** Client id of the application (not its object id). */
  readonly appId: string;
}

/** State written by the provider. `stateVersion` 1 is the first shape. The resource id is `<userFlowId>/<appId>`. */
export interface UserFlowAppLinkOutputs extends UserFlowAppLinkInputs {
  readonly stateVersion: number;
}

type FlowPayload = MicrosoftGraphBeta.AuthenticationEventsFlow;
type LinkPayload = MicrosoftGraphBeta.AuthenticationConditionApplication & { "@odata.type"?: string };

// ---------------------------------------------------------------------------------------------- validation

/** Check failures of the inputs; values unknown during preview are skipped. */
export function validateUserFlowAppLink(inputs: Partial<UserFlowAppLinkInputs>): pulumi.dynamic.CheckFailure[] {
  const out = [...checkConnection(inputs.connection)];
  if (!isUnknown(inputs.userFlowId) && !isGuid(inputs.userFlowId)) {
    out.push(failure("userFlowId", inputs.userFlowId, "the id (GUID) of a user flow is required, e.g. a UserFlow's flowId"));
  }
  if (!isUnknown(inputs.appId) && !isGuid(inputs.appId)) {
    out.push(failure("appId", inputs.appId, "the application's client id (GUID) is required, not its object id or name"));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------- Graph mapping

function linksPath(userFlowId: string): string {
  return `${FLOWS}/${encodeURIComponent(userFlowId)}/conditions/applications/includeApplications`;
}

function outputsFrom(inputs: UserFlowAppLinkInputs): UserFlowAppLinkOutputs {
  return { connection: inputs.connection, userFlowId: inputs.userFlowId, appId: inputs.appId, stateVersion: STATE_VERSION };
}

function linkId(inputs: UserFlowAppLinkInputs): string {
  return `${inputs.userFlowId}/${inputs.appId}`;
}

/** The flow the app is linked to, if any (documented filter, reference §3.2). */
async function flowOfApp(client: GraphClient, appId: string): Promise<FlowPayload | undefined> {
  const filter =
    "microsoft.graph.externalUsersSelfServiceSignUpEventsFlow/conditions/applications/includeApplications/" +
    `any(appId:appId/appId eq ${odataString(appId.toLowerCase())})`;
  const flows = await client.list<FlowPayload>(`${FLOWS}?$filter=${filter}`);
  return flows[0];
}

/** Adopt when the app is already on this flow; refuse, saying how to fix it, when it is on another one. */
function ownLinkOrError(inputs: UserFlowAppLinkInputs, flow: FlowPayload | undefined): boolean {
  if (!flow) return false;
  if (sameGuid(flow.id, inputs.userFlowId)) return true;
  throw new ProviderError("Conflict", 
    `application ${inputs.appId} is already linked to user flow ${JSON.stringify(flow.displayName ?? "")} (${flow.id}), ` +
      `and an application can be linked to one user flow only; remove it from that flow's apps in the configuration, ` +
      `or unlink it in the tenant (Entra admin center > External Identities > User flows > ${flow.displayName ?? flow.id} > Applications), then run again`,
  );
}

// ---------------------------------------------------------------------------------------------- provider

function state(props: unknown): UserFlowAppLinkOutputs {
  return upgradeState<UserFlowAppLinkOutputs>((props ?? {}) as Record<string, unknown>, STATE_VERSION);
}

export const userFlowAppLinkProvider: pulumi.dynamic.ResourceProvider<UserFlowAppLinkInputs, UserFlowAppLinkOutputs> = withCleanErrors({
  async check(_olds, news) {
    return { inputs: news, failures: validateUserFlowAppLink(news) };
  },

  async diff(_id, olds, news) {
    // A link has nothing to update: any change is a new link, and the old one goes first (one flow per app).
    return diffManaged<UserFlowAppLinkInputs>(state(olds), news, {
      updatable: [],
      replaceOn: ["userFlowId", "appId"],
      deleteBeforeReplace: true,
      equal: { userFlowId: (a, b) => sameGuid(a as string, b as string), appId: (a, b) => sameGuid(a as string, b as string) },
    });
  },

  async create(inputs) {
    const client = graphClient(inputs.connection);
    if (ownLinkOrError(inputs, await flowOfApp(client, inputs.appId))) return { id: linkId(inputs), outs: outputsFrom(inputs) };
    // The service principal (and maybe the flow) were created moments ago: retry their replication window.
    const post = () => client.post<LinkPayload>(linksPath(inputs.userFlowId), { appId: inputs.appId }, { replicationLag: true });
    try {
      await post();
    } catch (e) {
      if (isAnswerLost(e)) {
        // The connection broke before the answer: done if the link is there (or an error if another flow has the
        // app), else the POST never arrived and is sent again.
        if (!ownLinkOrError(inputs, await flowOfApp(client, inputs.appId))) await post();
        return { id: linkId(inputs), outs: outputsFrom(inputs) };
      }
      // A POST retried after a gateway timeout may have linked it already; or another flow took the app meanwhile.
      if (!isGraphError(e) || e.status >= 500) throw e;
      const flow = await flowOfApp(client, inputs.appId).catch(() => undefined);
      if (!ownLinkOrError(inputs, flow)) throw e;
    }
    return { id: linkId(inputs), outs: outputsFrom(inputs) };
  },

  async read(id, props) {
    const old = state(props);
    const links = await listLinks(graphClient(old.connection), old.userFlowId);
    // Flow gone, or the app was unlinked out of band: the link is gone.
    if (!links || !links.some((l) => sameGuid(l.appId, old.appId))) return { id: "", props: undefined };
    return { id, props: outputsFrom(old) };
  },

  async update(_id, _olds, news) {
    // Only connection tuning can reach here (every managed change replaces): record it, call nothing.
    return { outs: outputsFrom(news) };
  },

  async delete(_id, props) {
    const old = state(props);
    // 404 (flow deleted, which unlinks its apps, or already unlinked) is success.
    await graphClient(old.connection).delete(`${linksPath(old.userFlowId)}/${encodeURIComponent(old.appId)}`);
  },
});

async function listLinks(client: GraphClient, userFlowId: string): Promise<LinkPayload[] | undefined> {
  try {
    return await client.list<LinkPayload>(linksPath(userFlowId));
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

/** The app ids linked to a flow (`npm run export`); none when the flow is gone. */
export async function discoverFlowApps(client: GraphClient, userFlowId: string): Promise<string[]> {
  return ((await listLinks(client, userFlowId)) ?? []).map((l) => (l.appId ?? "").toLowerCase()).filter(Boolean);
}

// ---------------------------------------------------------------------------------------------- resource

export interface UserFlowAppLinkArgs {
  /** The tenant and Graph endpoint; holds no secret. */
  readonly connection: pulumi.Input<GraphConnection>;
  /** The flow's Graph id (a UserFlow's `flowId`). A change moves the app to that flow. */
  readonly userFlowId: pulumi.Input<string>;
  /**
   * Client id of an application that has a service principal in the tenant. An application can be linked to one
   * user flow only.
   * @see https://learn.microsoft.com/en-us/graph/api/authenticationconditionsapplications-post-includeapplications
   */
  readonly appId: pulumi.Input<string>;
}

/** Makes a user flow the sign-up/sign-in experience of an application. */
export class UserFlowAppLink extends ReferencedResource {
  // `declare`, not `!`: with ES2022 class fields an emitted field would reset the output set by super().
  declare readonly userFlowId: pulumi.Output<string>;
  declare readonly appId: pulumi.Output<string>;
  declare readonly stateVersion: pulumi.Output<number>;

  constructor(name: string, args: UserFlowAppLinkArgs, opts?: pulumi.CustomResourceOptions) {
    super("graph:UserFlowAppLink", userFlowAppLinkProvider, name, { ...args, stateVersion: undefined }, opts);
  }
}
