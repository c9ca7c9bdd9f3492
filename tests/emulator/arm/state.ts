/**
 * What Azure Resource Manager knows about `Microsoft.AzureActiveDirectory/ciamDirectories` (arm-and-auth reference
 * §1): the directories, their long-running operations, sub domains taken elsewhere, and the life of the emulated
 * tenant (the one whose Graph side `EmulatorStore` holds). Tests reach it as `emu.arm`.
 */
import { randomUUID } from "node:crypto";
import type { EmulatorStore } from "../store";
import type { EmulatorOptions, JsonObject, NotReadyWindow } from "../types";

export const CIAM_TYPE = "Microsoft.AzureActiveDirectory/ciamDirectories";
export const NAMESPACE = "Microsoft.AzureActiveDirectory";
/** The one api-version of ciamDirectories the emulator serves (reference §1.1). */
export const CIAM_API_VERSIONS = ["2023-05-17-preview"];
/** Data-residency geos, not Azure regions (reference §1.3 [verified: spec23]). */
export const DOCUMENTED_LOCATIONS = ["United States", "Europe", "Asia Pacific", "Australia"] as const;
const ZERO_GUID = "00000000-0000-0000-0000-000000000000";

export type ProvisioningState = "Provisioning" | "Succeeded" | "Failed" | "Deleting";

/**
 * Life of a tenant as login and Graph see it: `absent` (never created), `provisioning` (ARM create running),
 * `active`, `deleted` (ARM delete completed and the directory went with it).
 */
export type TenantStatus = "absent" | "provisioning" | "active" | "deleted";

export interface DirectoryRecord {
  subscriptionId: string;
  resourceGroup: string;
  /** Resource name = initial sub domain (`<name>.onmicrosoft.com`), as created. */
  name: string;
  tenantId: string;
  /** Documented display form (`United States`, `Europe`, `Asia Pacific`, `Australia`). */
  location: string;
  sku: { name: string; tier: string };
  createTenantProperties: { displayName: string; countryCode: string };
  tags: JsonObject | null;
  provisioningState: ProvisioningState;
  /** true for the directory whose Graph side is the emulated tenant (`options.subdomain`). */
  backsGraph: boolean;
  createdAt: string;
  lastModifiedAt: string;
}

export interface AsyncOperation {
  id: string;
  kind: "create" | "delete";
  directory: DirectoryRecord;
  /** Polls left before the operation reaches a terminal status. */
  pollsLeft: number;
  status: "Provisioning" | "Deleting" | "Succeeded" | "Failed";
  startTime: string;
  endTime?: string;
  error?: { code: string; message: string };
  /** A failure decided when the operation started (a taken sub domain), reported when it ends. */
  pendingFailure?: { code: string; message: string };
}

/** What keeps a directory from being deleted (reference §1.7 [verified: entra how-to-delete-external-tenant-portal]). */
export interface DeletionBlockers {
  /** Users other than the admin running the stack. */
  users: number;
  /** App registrations, b2c-extensions-app included. */
  applications: number;
  userFlows: number;
}

/** A surface of the tenant that the not-ready window covers. */
export type TenantSurface = "metadata" | "token" | "graph";

/** What remains of a window (not ready after creation, still answering after deletion): requests per surface, or an end time. */
export type NotReadyState = { metadata: number; token: number; graph: number } | { untilMs: number };

export const NAME_TAKEN_MESSAGE = "A tenant with this sub domain name already exists. Please choose another.";

const eqi = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

export class ArmState {
  readonly directories: DirectoryRecord[] = [];
  readonly operations = new Map<string, AsyncOperation>();
  /** Sub domains taken by tenants the emulator does not hold (another customer's), lower-cased. */
  readonly takenNames = new Set<string>();
  /** Life of the emulated (Graph-backed) tenant. */
  graphTenant: TenantStatus;
  /** Requests that still fail right after creation. */
  private readonly notReady = new SurfaceWindow();
  /** Requests that still succeed right after deletion. */
  private readonly lingering = new SurfaceWindow();

  constructor(
    private readonly options: EmulatorOptions,
    private readonly store: EmulatorStore,
  ) {
    this.graphTenant = options.tenantProvisioned ? "active" : "absent";
    if (options.tenantProvisioned) {
      const now = new Date().toISOString();
      this.directories.push({
        subscriptionId: options.subscriptionId,
        resourceGroup: options.resourceGroup,
        name: options.subdomain,
        tenantId: options.tenantId,
        location: "United States",
        sku: { name: "Standard", tier: "A0" },
        createTenantProperties: { displayName: options.organizationDisplayName, countryCode: "US" },
        tags: null,
        provisioningState: "Succeeded",
        backsGraph: true,
        createdAt: now,
        lastModifiedAt: now,
      });
    }
  }

  // ---------------------------------------------------------------- lookups

  findDirectory(subscriptionId: string, resourceGroup: string, name: string): DirectoryRecord | undefined {
    return this.directories.find(
      (d) => eqi(d.subscriptionId, subscriptionId) && eqi(d.resourceGroup, resourceGroup) && eqi(d.name, name),
    );
  }

  /** Is the sub domain used by any tenant (any subscription, the emulated tenant while it lives, or another customer)? */
  isNameTaken(name: string): boolean {
    const n = name.toLowerCase();
    if (this.takenNames.has(n)) return true;
    if (this.directories.some((d) => d.name.toLowerCase() === n)) return true;
    // The emulated tenant keeps its name while its directory lives, even with no ARM resource (deleteLeavesDirectory).
    return n === this.options.subdomain.toLowerCase() && (this.graphTenant === "active" || this.graphTenant === "provisioning");
  }

  /**
   * The tenant a login path segment names (GUID or `<sub domain>.onmicrosoft.com`): the emulated tenant, the home
   * tenant, or another directory created through ARM; with its status.
   */
  resolveTenant(segment: string): { kind: "ciam" | "home" | "other"; tenantId: string; status: TenantStatus } | undefined {
    const t = segment.toLowerCase();
    const o = this.options;
    if (t === o.tenantId.toLowerCase() || t === `${o.subdomain}.onmicrosoft.com`.toLowerCase()) {
      return { kind: "ciam", tenantId: o.tenantId, status: this.graphTenant };
    }
    if (t === o.homeTenantId.toLowerCase() || t === o.homeDomain.toLowerCase()) {
      return { kind: "home", tenantId: o.homeTenantId, status: "active" };
    }
    const d = this.directories.find((x) => !x.backsGraph && (x.tenantId.toLowerCase() === t || `${x.name}.onmicrosoft.com`.toLowerCase() === t));
    if (!d) return undefined;
    return { kind: "other", tenantId: d.tenantId, status: d.provisioningState === "Provisioning" ? "provisioning" : "active" };
  }

  /** Users, app registrations and user flows that block deleting the emulated tenant's directory. */
  deletionBlockers(): DeletionBlockers {
    return this.store.deletionBlockers();
  }

  // ---------------------------------------------------------------- rendering

  /** The resource as GET shows it; `creating` renders the 201 body of a PUT (reference §1.3 example quirks). */
  render(d: DirectoryRecord, creating = false): JsonObject {
    const name = creating ? `${d.name}.onmicrosoft.com` : d.name;
    const done = d.provisioningState !== "Provisioning";
    const properties: JsonObject = {
      provisioningState: d.provisioningState,
      createTenantProperties: { ...d.createTenantProperties },
      billingConfig: { billingType: "MAU", effectiveStartDateUtc: done ? d.createdAt : "1/1/0001 12:00:00 AM" },
    };
    if (done) properties.domainName = `${d.name}.onmicrosoft.com`;
    // The 201 example carries an all-zero tenantId; the real one is read from the final GET (reference §1.3 [inferred]).
    properties.tenantId = done ? d.tenantId : ZERO_GUID;
    return {
      id: `/subscriptions/${d.subscriptionId}/resourceGroups/${d.resourceGroup}/providers/${CIAM_TYPE}/${name}`,
      name,
      type: CIAM_TYPE,
      location: d.location,
      sku: { name: this.options.skuReadBack === "Base" && !creating ? "Base" : d.sku.name, tier: d.sku.tier },
      properties,
      tags: d.tags ? { ...d.tags } : null,
      systemData: {
        createdBy: `admin@${this.options.homeDomain}`,
        createdByType: "User",
        createdAt: d.createdAt,
        lastModifiedBy: `admin@${this.options.homeDomain}`,
        lastModifiedByType: "User",
        lastModifiedAt: d.lastModifiedAt,
      },
    };
  }

  // ---------------------------------------------------------------- operations

  startOperation(kind: "create" | "delete", directory: DirectoryRecord, pendingFailure?: { code: string; message: string }): AsyncOperation {
    const op: AsyncOperation = {
      id: randomUUID(),
      kind,
      directory,
      pollsLeft: Math.max(0, this.options.armAsyncPolls),
      status: kind === "create" ? "Provisioning" : "Deleting",
      startTime: new Date().toISOString(),
      pendingFailure,
    };
    this.operations.set(op.id, op);
    if (op.pollsLeft === 0) this.finish(op);
    return op;
  }

  /** One poll (of the operation status, its result, or the resource): the operation moves on, maybe ends. */
  poll(op: AsyncOperation): void {
    if (op.status === "Succeeded" || op.status === "Failed") return;
    op.pollsLeft--;
    if (op.pollsLeft <= 0) this.finish(op);
  }

  /** The running operation on a directory, if any. */
  runningOperation(d: DirectoryRecord): AsyncOperation | undefined {
    for (const op of this.operations.values()) {
      if (op.directory === d && (op.status === "Provisioning" || op.status === "Deleting")) return op;
    }
    return undefined;
  }

  private finish(op: AsyncOperation): void {
    const d = op.directory;
    op.endTime = new Date().toISOString();
    if (op.kind === "create") {
      if (op.pendingFailure) {
        op.status = "Failed";
        op.error = op.pendingFailure;
        this.drop(d);
        if (d.backsGraph) this.graphTenant = "absent";
        return;
      }
      op.status = "Succeeded";
      d.provisioningState = "Succeeded";
      d.lastModifiedAt = op.endTime;
      if (d.backsGraph) {
        this.graphTenant = "active";
        this.startNotReadyWindow();
      }
      return;
    }
    const blockers = d.backsGraph ? this.deletionBlockers() : { users: 0, applications: 0, userFlows: 0 };
    if (blockers.users + blockers.applications + blockers.userFlows > 0) {
      op.status = "Failed";
      op.error = notEmptyError(blockers);
      d.provisioningState = "Succeeded";
      return;
    }
    op.status = "Succeeded";
    this.removeDirectory(d);
  }

  /** The ARM resource goes; with it the directory, unless `deleteLeavesDirectory` (the B2C failure) is on. */
  removeDirectory(d: DirectoryRecord): void {
    this.drop(d);
    if (d.backsGraph && !this.options.deleteLeavesDirectory) {
      this.graphTenant = "deleted";
      this.notReady.start(undefined);
      this.lingering.start(this.options.deletionPropagation);
    }
  }

  private drop(d: DirectoryRecord): void {
    const i = this.directories.indexOf(d);
    if (i >= 0) this.directories.splice(i, 1);
  }

  // ---------------------------------------------------------------- windows after creation and deletion

  /**
   * Is the emulated tenant still "not ready" for this request on `surface`? Counts the request against a
   * request-count window unless `consume` is false.
   */
  notReadyHit(surface: TenantSurface, consume = true): boolean {
    return this.graphTenant === "active" && this.notReady.hit(surface, consume);
  }

  /**
   * Does the deleted emulated tenant still answer this request on `surface` (`options.deletionPropagation`)? Counts
   * the request unless `consume` is false.
   */
  lingers(surface: TenantSurface, consume = true): boolean {
    return this.graphTenant === "deleted" && this.lingering.hit(surface, consume);
  }

  // ---------------------------------------------------------------- test helpers

  /**
   * Starts the not-ready window of the emulated tenant now (as a completed create does), with `window` or
   * `options.notReadyWindow`; undefined or all-zero means no window.
   */
  startNotReadyWindow(window: NotReadyWindow | undefined = this.options.notReadyWindow): void {
    this.notReady.start(window);
  }
  /** Ends the not-ready window now. */
  endNotReadyWindow(): void {
    this.notReady.start(undefined);
  }
  /** What remains of the not-ready window (a copy), or undefined when the tenant is ready. */
  notReadyRemaining(): NotReadyState | undefined {
    return this.notReady.remaining();
  }
  /** What remains of the deleted tenant's propagation window (a copy), or undefined once it is gone everywhere. */
  deletionPropagationRemaining(): NotReadyState | undefined {
    return this.graphTenant === "deleted" ? this.lingering.remaining() : undefined;
  }

  /** Marks a sub domain as used by some other tenant (another customer's): name checks and creates see it as taken. */
  markNameTaken(name: string): void {
    this.takenNames.add(name.toLowerCase());
  }
  releaseName(name: string): void {
    this.takenNames.delete(name.toLowerCase());
  }

  /** Every directory as GET shows it. */
  listDirectories(): JsonObject[] {
    return this.directories.map((d) => this.render(d));
  }
  /** A directory by resource name (any resource group), as GET shows it. */
  getDirectory(name: string): JsonObject | undefined {
    const d = this.directories.find((x) => eqi(x.name, name));
    return d ? this.render(d) : undefined;
  }

  /** Ends every running operation now, as if polled to the end. */
  completeOperations(): void {
    for (const op of this.operations.values()) if (op.status === "Provisioning" || op.status === "Deleting") this.finish(op);
  }

  /** Operations as the status endpoint shows them (without consuming a poll). */
  listOperations(): Array<{ id: string; kind: "create" | "delete"; name: string; status: string; error?: { code: string; message: string } }> {
    return [...this.operations.values()].map((o) => ({
      id: o.id,
      kind: o.kind,
      name: o.directory.name,
      status: o.status,
      ...(o.error ? { error: { ...o.error } } : {}),
    }));
  }

  /**
   * Out-of-band delete of the resource (someone used the portal), without the emptiness check; the directory goes
   * too unless `deleteLeavesDirectory`.
   */
  deleteDirectory(name: string): boolean {
    const d = this.directories.find((x) => eqi(x.name, name));
    if (!d) return false;
    this.removeDirectory(d);
    return true;
  }
}

/**
 * A window on the tenant's surfaces: the next n requests on each surface (counted independently), or every request
 * until a deadline (not counted).
 */
class SurfaceWindow {
  private state: NotReadyState | undefined;

  start(window: NotReadyWindow | undefined): void {
    if (!window) {
      this.state = undefined;
    } else if ("ms" in window) {
      this.state = window.ms > 0 ? { untilMs: Date.now() + window.ms } : undefined;
    } else {
      const w = { metadata: window.metadata ?? 0, token: window.token ?? 0, graph: window.graph ?? 0 };
      this.state = w.metadata + w.token + w.graph > 0 ? w : undefined;
    }
  }

  /** Is this request on `surface` inside the window? Counts it unless `consume` is false. */
  hit(surface: TenantSurface, consume: boolean): boolean {
    const w = this.state;
    if (!w) return false;
    if ("untilMs" in w) {
      if (Date.now() < w.untilMs) return true;
      this.state = undefined;
      return false;
    }
    if (w[surface] <= 0) return false;
    if (consume) w[surface]--;
    if (w.metadata + w.token + w.graph <= 0) this.state = undefined;
    return true;
  }

  remaining(): NotReadyState | undefined {
    const w = this.state;
    if (!w) return undefined;
    if ("untilMs" in w) return Date.now() < w.untilMs ? { ...w } : undefined;
    return w.metadata + w.token + w.graph > 0 ? { ...w } : undefined;
  }
}

/**
 * The refusal of a delete while objects remain. Status, code and wording are not published (reference §1.7
 * [inferred]); clients should rely on the failure itself, not on this code.
 */
export function notEmptyError(b: DeletionBlockers): { code: string; message: string } {
  return {
    code: "DirectoryNotEmpty",
    message:
      `The tenant cannot be deleted while it still contains objects: ${b.users} user(s) other than the administrator, ` +
      `${b.applications} application registration(s) (including b2c-extensions-app) and ${b.userFlows} user flow(s). ` +
      "Delete them first, see https://aka.ms/delete-ciam-tenant.",
  };
}
