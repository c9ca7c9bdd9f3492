/** Dispatches a Graph request (segments after the version) to its handler; segments match case-insensitively. */
import type { GraphRequestContext, GraphResponse } from "../context";
import { segmentNotFound } from "../errors";
import { handleBranding } from "./branding";
import { handleApplications, handleGrants, handleOrganization, handleServicePrincipals } from "./directory";
import { handleFlows } from "./flows";
import { handleIdentityProviders, handleUserFlowAttributes } from "./identity";
import { handleDirectory, handleDirectoryRoles, handleUsers } from "./users";

export function routeGraph(ctx: GraphRequestContext): GraphResponse {
  const segs = ctx.segments;
  const k = segs.map((s) => s.key);
  if (k.length === 0) throw segmentNotFound("");
  switch (k[0]) {
    case "identity":
      if (k[1] === "authenticationeventsflows") return handleFlows(ctx, segs.slice(2));
      if (k[1] === "userflowattributes") return handleUserFlowAttributes(ctx, segs.slice(2));
      if (k[1] === "identityproviders") return handleIdentityProviders(ctx, segs.slice(2), false);
      throw segmentNotFound(segs[1]?.raw ?? "identity");
    case "identityproviders":
      return handleIdentityProviders(ctx, segs.slice(1), true);
    case "organization":
      if (k.length >= 3 && k[2] === "branding" && k[1] === ctx.options.tenantId.toLowerCase()) return handleBranding(ctx, segs.slice(3));
      return handleOrganization(ctx, segs.slice(1));
    case "applications":
      return handleApplications(ctx, segs.slice(1));
    case "serviceprincipals":
      return handleServicePrincipals(ctx, segs.slice(1));
    case "oauth2permissiongrants":
      return handleGrants(ctx, segs.slice(1));
    case "users":
      return handleUsers(ctx, segs.slice(1));
    case "directory":
      return handleDirectory(ctx, segs.slice(1));
    case "directoryroles":
      return handleDirectoryRoles(ctx, segs.slice(1));
    default:
      throw segmentNotFound(segs[0].raw);
  }
}
