/**
 * Dispatches an Azure Resource Manager request (`/subscriptions/…`, `/providers/…`) after the checks ARM makes
 * before a resource provider sees it: api-version, subscription, provider registration, resource group
 * (arm-and-auth reference §1.2, §1.9).
 */
import type { JsonValue, EmulatorOptions } from "../types";
import { ArmHttpError } from "./errors";
import {
  checkNameAvailability,
  directoryById,
  listDirectories,
  operationResult,
  operationStatus,
} from "./ciam";
import { providerInfo, registerProvider } from "./providers";
import { ArmState, CIAM_API_VERSIONS, NAMESPACE } from "./state";

export interface ArmRequestContext {
  method: string;
  /** Decoded path segments, original case. */
  segments: string[];
  query: Record<string, string>;
  headers: Record<string, string>;
  /** Parsed JSON body, or undefined when there was none. */
  body: JsonValue | undefined;
  /** `https://host:port` as the client addressed it (operation URLs are handed out on it). */
  origin: string;
  /** Whether the bearer token is a user's (delegated) or an app's. */
  caller: "user" | "app";
  arm: ArmState;
  options: EmulatorOptions;
}

export interface ArmResponse {
  status: number;
  body?: JsonValue;
  headers?: Record<string, string>;
}

/**
 * Microsoft.Resources versions accepted on the provider endpoints (a subset of the public ones; the full list is not
 * reproduced).
 */
export const RESOURCES_API_VERSIONS = ["2019-10-01", "2020-06-01", "2021-04-01", "2022-09-01", "2024-03-01", "2024-07-01", "2024-11-01"];

const API_VERSION_FORMAT = /^\d{4}-\d{2}-\d{2}(-(preview|alpha|beta|privatepreview))?$/i;

/** ARM's own api-version checks: missing → 400 MissingApiVersionParameter; malformed → 400 InvalidApiVersionParameter. */
function apiVersionPresent(ctx: ArmRequestContext, supported: string[], optional: boolean): string | undefined {
  const v = ctx.query["api-version"];
  if (v === undefined || v === "") {
    if (optional) return undefined;
    throw new ArmHttpError(400, "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests.");
  }
  if (!API_VERSION_FORMAT.test(v)) {
    throw new ArmHttpError(400, "InvalidApiVersionParameter", `The api-version '${v}' is invalid. The supported versions are '${supported.join(",")}'.`);
  }
  return v;
}

/** A resource provider type's version check: unsupported → 400 NoRegisteredProviderFound (ARM's wording). */
export function requireRpApiVersion(ctx: ArmRequestContext, type: string, optional = false, location = "global"): void {
  const v = apiVersionPresent(ctx, CIAM_API_VERSIONS, optional);
  if (v !== undefined && !CIAM_API_VERSIONS.some((s) => s.toLowerCase() === v.toLowerCase())) {
    throw new ArmHttpError(
      400,
      "NoRegisteredProviderFound",
      `No registered resource provider found for location '${location}' and API version '${v}' for type '${type}'. ` +
        `The supported api-versions are '${CIAM_API_VERSIONS.join(", ")}'. The supported locations are 'united states, europe, asia pacific, australia'.`,
    );
  }
}

function requireResourcesApiVersion(ctx: ArmRequestContext): void {
  const v = apiVersionPresent(ctx, RESOURCES_API_VERSIONS, false) as string;
  if (!RESOURCES_API_VERSIONS.includes(v)) {
    throw new ArmHttpError(400, "InvalidApiVersionParameter", `The api-version '${v}' is invalid. The supported versions are '${RESOURCES_API_VERSIONS.join(",")}'.`);
  }
}

/** 409 MissingSubscriptionRegistration while the namespace is not registered (reference §1.9 [verified]). */
function requireRegistration(ctx: ArmRequestContext): void {
  if (ctx.options.providerRegistration === "Registered") return;
  const message = `The subscription is not registered to use namespace '${NAMESPACE}'. See https://aka.ms/rps-not-found for how to register subscriptions.`;
  throw new ArmHttpError(409, "MissingSubscriptionRegistration", message, [{ code: "MissingSubscriptionRegistration", target: NAMESPACE, message }]);
}

const methodNotAllowed = (method: string): ArmHttpError =>
  new ArmHttpError(405, "MethodNotAllowed", `The requested resource does not support http method '${method}'.`);

const noRoute = (ctx: ArmRequestContext): ArmHttpError =>
  new ArmHttpError(404, "InvalidResourceType", `The resource type could not be found for '/${ctx.segments.join("/")}'.`);

export function routeArm(ctx: ArmRequestContext): ArmResponse {
  const s = ctx.segments;
  const l = s.map((x) => x.toLowerCase());
  const ns = NAMESPACE.toLowerCase();
  // Tenant-level operation status (reference §1.2 table).
  if (l[0] === "providers") {
    if (l[1] === ns && l[2] === "operationstatuses" && l.length === 4) {
      requireMethod(ctx, "GET");
      requireRpApiVersion(ctx, "operationStatuses", true);
      return operationStatus(ctx, s[3]);
    }
    throw noRoute(ctx);
  }
  if (l[0] !== "subscriptions" || l.length < 2) throw noRoute(ctx);
  const sub = s[1];
  const subscriptionPresent = (): void => {
    if (sub.toLowerCase() !== ctx.options.subscriptionId.toLowerCase()) {
      throw new ArmHttpError(404, "SubscriptionNotFound", `The subscription '${sub}' could not be found.`);
    }
  };
  if (l[2] === "providers" && l[3] === ns) {
    if (l.length === 4) {
      requireMethod(ctx, "GET");
      requireResourcesApiVersion(ctx);
      subscriptionPresent();
      return providerInfo(ctx);
    }
    if (l.length === 5 && l[4] === "register") {
      requireMethod(ctx, "POST");
      requireResourcesApiVersion(ctx);
      subscriptionPresent();
      return registerProvider(ctx);
    }
    const type = s[4] ?? "";
    const opEndpoint = l[4] === "operationstatuses" || l[4] === "operationresults";
    requireRpApiVersion(ctx, type, opEndpoint);
    subscriptionPresent();
    requireRegistration(ctx);
    if (l.length === 5 && l[4] === "checknameavailability") {
      requireMethod(ctx, "POST");
      return checkNameAvailability(ctx);
    }
    if (l.length === 5 && l[4] === "ciamdirectories") {
      requireMethod(ctx, "GET");
      return listDirectories(ctx, undefined);
    }
    if (l.length === 6 && l[4] === "operationstatuses") {
      requireMethod(ctx, "GET");
      return operationStatus(ctx, s[5]);
    }
    if (l.length === 6 && l[4] === "operationresults") {
      requireMethod(ctx, "GET");
      return operationResult(ctx, s[5]);
    }
    throw noRoute(ctx);
  }
  if (l[2] === "resourcegroups" && l.length >= 4 && l[4] === "providers" && l[5] === ns && l[6] === "ciamdirectories" && (l.length === 7 || l.length === 8)) {
    const rg = s[3];
    const existing = l.length === 8 ? ctx.arm.directories.find((d) => d.name.toLowerCase() === l[7]) : undefined;
    const bodyLocation = typeof ctx.body === "object" && ctx.body !== null && !Array.isArray(ctx.body) ? ctx.body.location : undefined;
    requireRpApiVersion(ctx, "ciamDirectories", false, existing?.location ?? (typeof bodyLocation === "string" ? bodyLocation : "global"));
    subscriptionPresent();
    requireRegistration(ctx);
    if (rg.toLowerCase() !== ctx.options.resourceGroup.toLowerCase()) {
      throw new ArmHttpError(404, "ResourceGroupNotFound", `Resource group '${rg}' could not be found.`);
    }
    if (l.length === 7) {
      requireMethod(ctx, "GET");
      return listDirectories(ctx, rg);
    }
    return directoryById(ctx, sub, rg, s[7]);
  }
  throw noRoute(ctx);
}

function requireMethod(ctx: ArmRequestContext, method: string): void {
  if (ctx.method !== method) throw methodNotAllowed(ctx.method);
}
