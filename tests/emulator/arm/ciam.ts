/**
 * `Microsoft.AzureActiveDirectory/ciamDirectories` 2023-05-17-preview (arm-and-auth reference §1.2–§1.8 [verified:
 * spec23 and its examples]): create as a long-running operation (201 + `Azure-AsyncOperation` + `Retry-After`), read,
 * update of sku/tags, delete (202 + `Azure-AsyncOperation` + `Location`, 204 when gone, refused while the directory
 * is not empty), name availability, operation status/result.
 */
import { randomUUID } from "node:crypto";
import type { JsonObject, JsonValue } from "../types";
import { armBadRequest, ArmHttpError, resourceNotFound } from "./errors";
import type { ArmRequestContext, ArmResponse } from "./router";
import {
  AsyncOperation,
  CIAM_API_VERSIONS,
  CIAM_TYPE,
  DirectoryRecord,
  DOCUMENTED_LOCATIONS,
  NAME_TAKEN_MESSAGE,
  NAMESPACE,
  notEmptyError,
} from "./state";

const SKU_NAMES = ["Standard", "PremiumP1", "PremiumP2", "Base"];
const isObject = (v: JsonValue | undefined): v is JsonObject => typeof v === "object" && v !== null && !Array.isArray(v);
/** Location names compare without case and spaces, as ARM normalizes them (reference §2: azure-native ignores both). */
const normLocation = (s: string): string => s.replace(/\s+/g, "").toLowerCase();

function body(ctx: ArmRequestContext): JsonObject {
  if (!isObject(ctx.body)) {
    throw new ArmHttpError(400, "InvalidRequestContent", "The request content was invalid and could not be deserialized: a JSON object is expected.");
  }
  return ctx.body;
}

/**
 * The resource name as the sub domain (reference §1.4: `^[a-zA-Z0-9]{1,26}` [verified]; the `.onmicrosoft.com`
 * form is `options.onmicrosoftResourceName`). Returns the prefix, or undefined when the name is invalid.
 */
function subDomainOf(ctx: ArmRequestContext, name: string): string | undefined {
  let n = name;
  const m = /^(.*)\.onmicrosoft\.com$/i.exec(n);
  if (m) {
    if (ctx.options.onmicrosoftResourceName !== "accepted") return undefined;
    n = m[1];
  }
  return /^[a-zA-Z0-9]{1,26}$/.test(n) ? n : undefined;
}

const invalidNameMessage = (name: string): string =>
  `The sub domain name '${name}' is invalid. It must be 1 to 26 letters or digits (the initial sub domain of the tenant, <name>.onmicrosoft.com).`;

function asyncHeaders(ctx: ArmRequestContext, op: AsyncOperation, withLocation: boolean): Record<string, string> {
  const base = `${ctx.origin}/subscriptions/${op.directory.subscriptionId}/providers/${NAMESPACE}`;
  const v = `api-version=${CIAM_API_VERSIONS[0]}`;
  const h: Record<string, string> = {
    "Azure-AsyncOperation": `${base}/operationStatuses/${op.id}?${v}`,
    "Retry-After": String(ctx.options.armRetryAfterSeconds),
  };
  if (withLocation) h.Location = `${base}/operationResults/${op.id}?${v}`;
  return h;
}

interface ValidatedCreate {
  location: string;
  sku: { name: string; tier: string };
  createTenantProperties: { displayName: string; countryCode: string };
  tags: JsonObject | null;
}

/** Body checks of a create (reference §1.3 [verified: spec23]); wording and codes [inferred]. */
function validateCreate(b: JsonObject): ValidatedCreate {
  const loc = b.location;
  if (typeof loc !== "string" || loc === "") throw armBadRequest("The 'location' property is required.", "LocationRequired");
  const location = DOCUMENTED_LOCATIONS.find((l) => normLocation(l) === normLocation(loc));
  if (!location) {
    throw new ArmHttpError(
      400,
      "LocationNotAvailableForResourceType",
      `The provided location '${loc}' is not available for resource type '${CIAM_TYPE}'. List of available regions for the resource type is '${DOCUMENTED_LOCATIONS.map((l) => l.toLowerCase()).join(",")}'.`,
    );
  }
  const sku = validateSku(b.sku, true) as { name: string; tier: string };
  const props = b.properties;
  if (!isObject(props) || !isObject(props.createTenantProperties)) {
    throw armBadRequest("The 'properties.createTenantProperties' property is required.");
  }
  const ctp = props.createTenantProperties;
  if (typeof ctp.displayName !== "string" || ctp.displayName.trim() === "") {
    throw armBadRequest("The 'properties.createTenantProperties.displayName' property is required.");
  }
  if (typeof ctp.countryCode !== "string" || !/^[A-Za-z]{2}$/.test(ctp.countryCode)) {
    throw armBadRequest(`The 'properties.createTenantProperties.countryCode' property must be a two-letter country code, got ${JSON.stringify(ctp.countryCode ?? null)}.`);
  }
  const tags = b.tags === undefined || b.tags === null ? null : validateTags(b.tags);
  return { location, sku, createTenantProperties: { displayName: ctp.displayName, countryCode: ctp.countryCode.toUpperCase() }, tags };
}

function validateSku(v: JsonValue | undefined, required: boolean): { name: string; tier: string } | undefined {
  if (v === undefined && !required) return undefined;
  if (!isObject(v)) throw armBadRequest("The 'sku' property is required.");
  const name = SKU_NAMES.find((n) => typeof v.name === "string" && n.toLowerCase() === v.name.toLowerCase());
  if (!name) throw armBadRequest(`The value '${String(v.name)}' of 'sku.name' is invalid. Allowed values: Standard, PremiumP1, PremiumP2.`);
  if (typeof v.tier !== "string" || v.tier.toUpperCase() !== "A0") throw armBadRequest(`The value '${String(v.tier)}' of 'sku.tier' is invalid. Allowed value: A0.`);
  return { name, tier: "A0" };
}

function validateTags(v: JsonValue): JsonObject {
  if (!isObject(v) || Object.values(v).some((x) => typeof x !== "string")) throw armBadRequest("The 'tags' property must be an object of strings.", "InvalidRequestContent");
  return { ...v };
}

export function directoryById(ctx: ArmRequestContext, sub: string, rg: string, rawName: string): ArmResponse {
  const arm = ctx.arm;
  // The 201 body names the resource `<name>.onmicrosoft.com` (spec example). Reading that id found nothing for B2C
  // ("later GET 404", pulumi-azure-native#1126); it finds the resource only where dotted names are accepted.
  const dotted = ctx.options.onmicrosoftResourceName === "accepted";
  const prefix = dotted ? /^(.*)\.onmicrosoft\.com$/i.exec(rawName)?.[1] : undefined;
  const existing = arm.findDirectory(sub, rg, rawName) ?? (prefix ? arm.findDirectory(sub, rg, prefix) : undefined);
  switch (ctx.method) {
    case "GET": {
      if (!existing) throw resourceNotFound(CIAM_TYPE, rawName, rg);
      const op = arm.runningOperation(existing);
      if (op) arm.poll(op);
      if (!arm.directories.includes(existing)) throw resourceNotFound(CIAM_TYPE, rawName, rg);
      return { status: 200, body: arm.render(existing) };
    }
    case "PUT":
      return existing ? updateByPut(ctx, existing) : create(ctx, rawName);
    case "PATCH": {
      if (!existing) throw resourceNotFound(CIAM_TYPE, rawName, rg);
      const b = body(ctx);
      for (const k of Object.keys(b)) {
        if (k !== "sku" && k !== "tags") throw armBadRequest(`The property '${k}' cannot be updated; only 'sku' and 'tags' can.`);
      }
      const sku = validateSku(b.sku, false);
      if (sku) existing.sku = sku;
      if (b.tags !== undefined) existing.tags = b.tags === null ? null : validateTags(b.tags);
      existing.lastModifiedAt = new Date().toISOString();
      return { status: 200, body: arm.render(existing) };
    }
    case "DELETE":
      return remove(ctx, existing);
    default:
      throw new ArmHttpError(405, "MethodNotAllowed", `The requested resource does not support http method '${ctx.method}'.`);
  }
}

/** A new directory in the emulator's subscription and resource group (the router checked both). */
function create(ctx: ArmRequestContext, rawName: string): ArmResponse {
  const arm = ctx.arm;
  // The creator becomes the tenant's Global Administrator, so only a user may create (reference §1.9).
  if (ctx.options.armCreateIdentity === "userOnly" && ctx.caller !== "user") {
    const e = new ArmHttpError(401, "Unauthenticated", "Unauthenticated");
    e.target = "Authentication";
    throw e;
  }
  const name = subDomainOf(ctx, rawName);
  if (!name) throw armBadRequest(invalidNameMessage(rawName), "InvalidResourceName");
  const v = validateCreate(body(ctx));
  const taken = arm.isNameTaken(name);
  if (taken && ctx.options.takenNameOnCreate === "409") throw new ArmHttpError(409, "AlreadyExists", NAME_TAKEN_MESSAGE);
  const backsGraph = !taken && name.toLowerCase() === ctx.options.subdomain.toLowerCase();
  const now = new Date().toISOString();
  const d: DirectoryRecord = {
    subscriptionId: ctx.options.subscriptionId,
    resourceGroup: ctx.options.resourceGroup,
    name,
    tenantId: backsGraph ? ctx.options.tenantId : randomUUID(),
    ...v,
    provisioningState: "Provisioning",
    backsGraph,
    createdAt: now,
    lastModifiedAt: now,
  };
  arm.directories.push(d);
  if (backsGraph) arm.graphTenant = "provisioning";
  const rendered = arm.render(d, true);
  const op = arm.startOperation("create", d, taken ? { code: "AlreadyExists", message: NAME_TAKEN_MESSAGE } : undefined);
  return { status: 201, body: rendered, headers: asyncHeaders(ctx, op, false) };
}

/** PUT on an existing directory: sku and tags change (200); create-only properties may not (reference §1.6). */
function updateByPut(ctx: ArmRequestContext, d: DirectoryRecord): ArmResponse {
  if (ctx.arm.runningOperation(d)) {
    throw new ArmHttpError(409, "AnotherOperationInProgress", `Another operation is in progress on the resource '${d.name}'. Please retry later.`);
  }
  const v = validateCreate(body(ctx));
  const same =
    v.location === d.location &&
    v.createTenantProperties.displayName === d.createTenantProperties.displayName &&
    v.createTenantProperties.countryCode === d.createTenantProperties.countryCode &&
    v.sku.tier === d.sku.tier;
  if (!same) throw armBadRequest("The properties 'location', 'sku.tier' and 'properties.createTenantProperties' can only be set when the tenant is created.");
  d.sku = v.sku;
  d.tags = v.tags;
  d.lastModifiedAt = new Date().toISOString();
  return { status: 200, body: ctx.arm.render(d) };
}

function remove(ctx: ArmRequestContext, d: DirectoryRecord | undefined): ArmResponse {
  const arm = ctx.arm;
  if (!d) return { status: 204 };
  if (arm.runningOperation(d)) {
    throw new ArmHttpError(409, "AnotherOperationInProgress", `Another operation is in progress on the resource '${d.name}'. Please retry later.`);
  }
  if (ctx.options.deleteWhileNotEmpty === "409" && d.backsGraph) {
    const b = arm.deletionBlockers();
    if (b.users + b.applications + b.userFlows > 0) {
      const e = notEmptyError(b);
      throw new ArmHttpError(409, e.code, e.message);
    }
  }
  d.provisioningState = "Deleting";
  const op = arm.startOperation("delete", d);
  return { status: 202, headers: asyncHeaders(ctx, op, true) };
}

export function listDirectories(ctx: ArmRequestContext, rg: string | undefined): ArmResponse {
  const list = ctx.arm.directories.filter((d) => rg === undefined || d.resourceGroup.toLowerCase() === rg.toLowerCase());
  return { status: 200, body: { value: list.map((d) => ctx.arm.render(d)) } };
}

function operationJson(op: AsyncOperation): JsonObject {
  const out: JsonObject = {
    id: `/subscriptions/${op.directory.subscriptionId}/providers/${NAMESPACE}/operationStatuses/${op.id}`,
    name: op.id,
    status: op.status,
    startTime: op.startTime,
  };
  if (op.endTime) out.endTime = op.endTime;
  if (op.error) out.error = { ...op.error };
  return out;
}

function findOperation(ctx: ArmRequestContext, id: string): AsyncOperation {
  const op = ctx.arm.operations.get(id.toLowerCase()) ?? [...ctx.arm.operations.values()].find((o) => o.id.toLowerCase() === id.toLowerCase());
  if (!op) throw new ArmHttpError(404, "OperationNotFound", `The operation '${id}' could not be found.`);
  return op;
}

const running = (op: AsyncOperation): boolean => op.status === "Provisioning" || op.status === "Deleting";

/** `GET …/operationStatuses/{id}`: each read is one poll; the n-th (`armAsyncPolls`) sees the terminal status. */
export function operationStatus(ctx: ArmRequestContext, id: string): ArmResponse {
  const op = findOperation(ctx, id);
  ctx.arm.poll(op);
  const headers: Record<string, string> = running(op) ? { "Retry-After": String(ctx.options.armRetryAfterSeconds) } : {};
  return { status: 200, body: operationJson(op), headers };
}

/**
 * `GET …/operationResults/{id}` (the delete's `Location`): 202 while running; 204 after a delete, 200 + resource
 * after a create; a failed operation answers 409 with its error (status [inferred]).
 */
export function operationResult(ctx: ArmRequestContext, id: string): ArmResponse {
  const op = findOperation(ctx, id);
  ctx.arm.poll(op);
  if (running(op)) return { status: 202, headers: asyncHeaders(ctx, op, true) };
  if (op.status === "Failed" && op.error) throw new ArmHttpError(409, op.error.code, op.error.message);
  if (op.kind === "delete") return { status: 204 };
  return { status: 200, body: ctx.arm.render(op.directory) };
}

/** `POST …/checkNameAvailability` `{name, countryCode}` (both required) → `{nameAvailable, reason, message}` (§1.8). */
export function checkNameAvailability(ctx: ArmRequestContext): ArmResponse {
  const b = body(ctx);
  if (typeof b.name !== "string" || b.name === "") throw armBadRequest("The 'name' property is required.");
  if (typeof b.countryCode !== "string" || !/^[A-Za-z]{2}$/.test(b.countryCode)) {
    throw armBadRequest(`The 'countryCode' property is required and must be a two-letter country code, got ${JSON.stringify(b.countryCode ?? null)}.`);
  }
  const name = subDomainOf(ctx, b.name);
  if (!name) return { status: 200, body: { nameAvailable: false, reason: "Invalid", message: invalidNameMessage(b.name) } };
  if (ctx.arm.isNameTaken(name)) return { status: 200, body: { nameAvailable: false, reason: "AlreadyExists", message: NAME_TAKEN_MESSAGE } };
  return { status: 200, body: { nameAvailable: true, reason: null, message: null } };
}
