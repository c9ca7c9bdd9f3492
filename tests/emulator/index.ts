/**
 * A stateful local HTTPS emulator of the Microsoft Graph endpoints this project calls (CIAM user flows, user flow
 * attributes, identity providers, company branding, directory objects), of the login endpoints MSAL needs, and of
 * the Azure Resource Manager endpoints of the tenant resource (`Microsoft.AzureActiveDirectory/ciamDirectories`).
 * Behaviour follows the Graph reference sheet (graph-api.md), quirks included; facts the sheet tags [inferred] or
 * [unknown] are switches in {@link EmulatorOptions}. See README.md in this folder.
 */
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer, Server } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import { ArmHttpError, armEnvelope } from "./arm/errors";
import { routeArm } from "./arm/router";
import { ArmState } from "./arm/state";
import { DEFAULT_APP_ROLES, IssueOptions, TokenAuthority } from "./auth";
import { rolesAllow } from "./permissions";
import { GraphRequestContext, GraphResponse, isBinary, splitPath } from "./context";
import { errorEnvelope, GraphHttpError } from "./errors";
import { routeGraph } from "./graph/router";
import { createFlow } from "./graph/flows";
import { EmulatorStore } from "./store";
import type {
  BinaryBody,
  EmulatedService,
  EmulatorOptions,
  FaultInjector,
  FaultRule,
  GraphVersion,
  JsonValue,
  RecordedRequest,
} from "./types";

export * from "./types";
export { EmulatorStore, STREAM_NAMES } from "./store";
export type { BrandingSnapshot, StoreCounts, StreamName } from "./store";
export { ArmState } from "./arm/state";
export type { DeletionBlockers, TenantStatus } from "./arm/state";
export type { IssueOptions } from "./auth";
export { GRAPH_APP_ID, GRAPH_SCOPES, BUILT_IN_ATTRIBUTES, BUILT_IN_IDPS } from "./seed";
export { DEFAULT_APP_ROLES } from "./auth";
export { documentedPermissions } from "./permissions";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ensureTestCertificates } = require("../support/test-certs") as {
  ensureTestCertificates(): Promise<{ caFile: string; certFile: string; keyFile: string }>;
};

export interface Emulator {
  /** `https://localhost:<port>`: the Graph base URL and the authority host (ARM paths answer here too). */
  url: string;
  /**
   * `https://127.0.0.1:<port>`: the same server under a second origin, so that the resource-manager audience
   * (`${armUrl}/.default`) differs from Graph's, as management.azure.com differs from graph.microsoft.com.
   */
  armUrl: string;
  /** `${armUrl}/.default`: the ARM token scope (the public `https://management.azure.com/.default` works too). */
  armScope: string;
  tenantId: string;
  /** The subscription's tenant: ARM accepts only its tokens. */
  homeTenantId: string;
  subscriptionId: string;
  /** The resource group that exists. */
  resourceGroup: string;
  /** ARM state and helpers (directories, operations, taken names). */
  arm: ArmState;
  clientId: string;
  clientSecret: string;
  /** AZURE_TENANT_ID / AZURE_CLIENT_ID / AZURE_CLIENT_SECRET / AZURE_AUTHORITY_HOST for child processes. */
  env(): Record<string, string>;
  store: EmulatorStore;
  /** Every request, in arrival order (login requests have `version: null`). */
  requests: RecordedRequest[];
  /** Mutating Graph requests only (POST/PATCH/PUT/DELETE; token and ARM calls excluded). */
  writes(): RecordedRequest[];
  /** Mutating ARM requests (PUT/PATCH/DELETE, POST …/register); `checkNameAvailability` is a read. */
  armWrites(): RecordedRequest[];
  clearLog(): void;
  faults: FaultInjector;
  /** Switches; mutable at runtime. */
  options: EmulatorOptions;
  /**
   * A valid access token (as the token endpoint would issue), for tests that call Graph directly; by default for the
   * CIAM tenant and the Graph audience.
   */
  accessToken(opts?: IssueOptions): string;
  /**
   * A valid ARM token: home tenant, audience `armUrl`; by default a delegated token of the home tenant's admin (as
   * `az login` gives), `{app: true}` for the app-only token the token endpoint issues to the client credentials.
   */
  armAccessToken(opts?: { app?: boolean }): string;
  stop(): Promise<void>;
}

export function defaultOptions(overrides: Partial<EmulatorOptions> = {}): EmulatorOptions {
  return {
    tenantId: randomUUID(),
    subdomain: "contosociamtest",
    organizationDisplayName: "Contoso customers",
    clientId: randomUUID(),
    clientSecret: `emu~${randomBytes(18).toString("base64url")}`,
    socialIdentityProviders: [
      { id: randomUUID(), identityProviderType: "Google", displayName: "Google" },
      { id: randomUUID(), identityProviderType: "Facebook", displayName: "Facebook" },
    ],
    b2cExtensionsAppId: randomUUID(),
    pageSize: 100,
    replicationLag: undefined,
    duplicateFlowName: 409,
    handlerODataTypeRequired: true,
    attributesMustMatchInputs: true,
    omittedUserCreateStart: "null",
    patchIncludeApplications: "rejected",
    linkWithoutServicePrincipal: "400",
    linkConflict: "400",
    unknownReference: "404",
    missingAuthExtensionsSp: "500",
    duplicateIdentityProvider: 409,
    deleteIdentityProviderInUse: "refused",
    unspecifiedAcceptLanguage: "400",
    patchMissingDefault: "404",
    deleteDefault: "allowed",
    deleteDefaultWithLocalizations: "refused",
    streamDelete: "unsupported",
    localizationReads: "null",
    appRoles: [...DEFAULT_APP_ROLES],
    enforceAppRoles: false,
    tokenTenantId: undefined,
    tokenAudience: undefined,
    homeTenantId: randomUUID(),
    homeDomain: "contosohome.onmicrosoft.com",
    subscriptionId: randomUUID(),
    resourceGroup: "rg-ciam",
    tenantProvisioned: true,
    providerRegistration: "Registered",
    armCreateIdentity: "userOnly",
    armAsyncPolls: 3,
    armRetryAfterSeconds: 60,
    onmicrosoftResourceName: "rejected",
    skuReadBack: "Base",
    takenNameOnCreate: "asyncFailed",
    deleteWhileNotEmpty: "asyncFailed",
    deleteLeavesDirectory: false,
    notReadyWindow: { metadata: 2, token: 2, graph: 2 },
    notReadyGraph: "401",
    deletionPropagation: undefined,
    metadataIssuer: "authorityHost",
    adminUserDelete: "refused",
    b2cExtensionsAppDelete: "allowed",
    deletedItemsBlockDeletion: true,
    ...overrides,
  };
}

const WRITE_METHODS = new Set(["POST", "PATCH", "PUT", "DELETE"]);
const DEFAULT_FAULT_CODES: Record<number, string> = { 429: "TooManyRequests", 503: "serviceNotAvailable", 504: "gatewayTimeout" };
const DEFAULT_ARM_FAULT_CODES: Record<number, string> = { 429: "TooManyRequests", 503: "ServiceUnavailable", 504: "GatewayTimeout" };
const WRITE_ARM = (r: RecordedRequest): boolean =>
  r.service === "arm" && (["PUT", "PATCH", "DELETE"].includes(r.method) || (r.method === "POST" && /\/register$/i.test(r.path)));

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function headerRecord(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined) continue;
    out[k.toLowerCase()] = Array.isArray(v) ? v.join(", ") : v;
  }
  return out;
}

export async function startEmulator(overrides: Partial<EmulatorOptions> = {}): Promise<Emulator> {
  const options = defaultOptions(overrides);
  const certs = await ensureTestCertificates();
  const store = new EmulatorStore(options, (st, body) => createFlow({ store: st, options, lagging: () => false }, body));
  const requests: RecordedRequest[] = [];
  const faultRules: FaultRule[] = [];
  const arm = new ArmState(options, store);
  let url = "";
  let armUrl = "";
  const tokens = new TokenAuthority(options, () => url, () => armUrl, arm, store);
  const sockets = new Set<Socket>();

  const faults: FaultInjector = {
    inject(rule) {
      faultRules.push({ ...rule });
    },
    clear() {
      faultRules.length = 0;
    },
    pending() {
      return faultRules.filter((r) => r.times > 0).map((r) => ({ ...r }));
    },
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = Date.now();
    const method = (req.method ?? "GET").toUpperCase();
    const headers = headerRecord(req);
    const host = headers.host ?? new URL(url).host;
    const parsed = new URL(req.url ?? "/", `https://${host}`);
    const rawSegments = parsed.pathname.split("/").filter((s) => s !== "");
    const first = (rawSegments[0] ?? "").toLowerCase();
    const version: GraphVersion | null = first === "v1.0" ? "v1.0" : first === "beta" ? "beta" : null;
    const service: EmulatedService = version ? "graph" : first === "subscriptions" || first === "providers" ? "arm" : "login";
    let decodedPath: string;
    try {
      decodedPath = decodeURIComponent(parsed.pathname);
    } catch {
      decodedPath = parsed.pathname;
    }
    const path = version ? decodedPath.replace(/^\/[^/]+/, "") || "/" : decodedPath;
    const query: Record<string, string> = {};
    for (const [k, v] of parsed.searchParams) query[k] = v;
    const raw = await readBody(req);
    const contentType = headers["content-type"] ?? "";
    const recordedHeaders = { ...headers };
    if (recordedHeaders.authorization !== undefined) recordedHeaders.authorization = "<redacted>";

    let body: JsonValue | BinaryBody | undefined;
    let form: Record<string, string> | undefined;
    let parseError: GraphHttpError | undefined;
    let recordedBody: RecordedRequest["body"];
    if (raw.length > 0) {
      if (/^application\/x-www-form-urlencoded/i.test(contentType)) {
        form = Object.fromEntries(new URLSearchParams(raw.toString("utf8")));
        recordedBody = { ...form, ...(form.client_secret !== undefined ? { client_secret: "<redacted>" } : {}) };
      } else if (/json/i.test(contentType)) {
        try {
          body = JSON.parse(raw.toString("utf8")) as JsonValue;
        } catch {
          parseError = new GraphHttpError(400, "BadRequest", "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.");
        }
        recordedBody = body;
      } else {
        body = { contentType, bytes: raw, sha256: createHash("sha256").update(raw).digest("hex") };
        recordedBody = body;
      }
    }
    const record: RecordedRequest = { method, service, version, path, query, headers: recordedHeaders, body: recordedBody, status: 0, at };
    requests.push(record);

    const requestId = randomUUID();
    const clientRequestId = headers["client-request-id"];
    /** A "reset" fault with `applied`: the request is carried out, then the connection closes instead of answering. */
    let dropAnswer = false;
    /** Closes the connection without an answer (recorded with status 0: no HTTP status was sent). */
    const reset = (): void => {
      record.status = 0;
      record.reset = true;
      req.socket.destroy();
    };
    const send = (status: number, payload: JsonValue | Buffer | undefined, extraHeaders: Record<string, string> = {}, ct?: string): void => {
      if (dropAnswer) {
        record.applied = status < 400;
        return reset();
      }
      record.status = status;
      const h: Record<string, string> =
        service === "arm"
          ? { "x-ms-request-id": requestId, "x-ms-correlation-request-id": headers["x-ms-correlation-request-id"] ?? randomUUID(), ...extraHeaders }
          : { "request-id": requestId, ...extraHeaders };
      if (clientRequestId) h["client-request-id"] = clientRequestId;
      if (payload === undefined) {
        res.writeHead(status, h);
        res.end();
      } else if (Buffer.isBuffer(payload)) {
        h["Content-Type"] = ct ?? "application/octet-stream";
        res.writeHead(status, h);
        res.end(payload);
      } else {
        h["Content-Type"] = version ? "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8" : "application/json; charset=utf-8";
        res.writeHead(status, h);
        res.end(JSON.stringify(payload));
      }
    };
    const sendError = (e: GraphHttpError): void =>
      send(e.status, errorEnvelope(e.code, e.message, requestId, clientRequestId, e.details), e.headers);

    const segmentsOf = (): string[] =>
      rawSegments.map((s) => {
        try {
          return decodeURIComponent(s);
        } catch {
          return s;
        }
      });
    /** The next matching fault rule, consumed; faults come after authentication (a 401 stays a 401). */
    const fault = (): { status: number; code: string; message: string; headers: Record<string, string> } | "reset" | undefined => {
      const rule = faultRules.find(
        (r) =>
          r.times > 0 &&
          (!r.service || r.service === service) &&
          (!r.method || r.method.toUpperCase() === method) &&
          (!r.path || r.path.test(path)),
      );
      if (!rule) return undefined;
      rule.times--;
      if (rule.status === "reset") {
        if (rule.applied) {
          dropAnswer = true;
          return undefined;
        }
        return "reset";
      }
      const extra: Record<string, string> = {};
      if (rule.retryAfterSeconds !== undefined) extra["Retry-After"] = String(rule.retryAfterSeconds);
      const code = rule.code ?? (service === "arm" ? DEFAULT_ARM_FAULT_CODES : DEFAULT_FAULT_CODES)[rule.status];
      const message = rule.status === 429 ? "Too many requests." : rule.status === 503 ? "Service unavailable." : "Gateway timeout.";
      return { status: rule.status, code, message, headers: extra };
    };

    if (service === "login") {
      // A connection can break on the login host too. Only rules that name the login service reach it (rules that
      // name no service keep meaning Graph and ARM), and only as "reset": the login service's error answers are
      // the token service's own (tests/emulator/auth.ts).
      const rule = faultRules.find((r) => r.times > 0 && r.service === "login" && r.status === "reset" && (!r.path || r.path.test(path)));
      if (rule) {
        rule.times--;
        return reset();
      }
      const r = tokens.handle(method, segmentsOf(), query, form);
      send(r.status, r.body, r.headers);
      return;
    }
    if (service === "arm") {
      try {
        const caller = tokens.verifyArm(headers.authorization);
        const f = fault();
        if (f === "reset") return reset();
        if (f) throw new ArmHttpError(f.status, f.code, f.message, undefined, f.headers);
        if (parseError) throw new ArmHttpError(400, "InvalidRequestContent", "The request content was invalid and could not be deserialized.");
        if (form !== undefined || isBinary(body)) {
          throw new ArmHttpError(415, "UnsupportedMediaType", "The content media type is not supported. Content-Type must be 'application/json'.");
        }
        const r = routeArm({
          method,
          segments: segmentsOf(),
          query,
          headers,
          body: body as JsonValue | undefined,
          origin: `https://${host}`,
          caller,
          arm,
          options,
        });
        send(r.status, r.body, r.headers);
      } catch (e) {
        if (e instanceof ArmHttpError) send(e.status, armEnvelope(e.code, e.message, e.details, e.target), e.headers);
        else send(500, armEnvelope("InternalServerError", e instanceof Error ? e.message : String(e)));
      }
      return;
    }
    try {
      const roles = tokens.verify(headers.authorization);
      if (options.enforceAppRoles && !rolesAllow(roles, method, path)) {
        // Graph's answer to an app token without an accepted application permission.
        throw new GraphHttpError(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");
      }
      const f = fault();
      if (f === "reset") return reset();
      if (f) throw new GraphHttpError(f.status, f.code, f.message, undefined, f.headers);
      if (parseError) throw parseError;
      const origin = `https://${host}`;
      const ctx: GraphRequestContext = {
        method,
        version: version as GraphVersion,
        segments: splitPath(parsed.pathname).slice(1),
        path,
        query,
        headers,
        body,
        contentType,
        origin,
        versionBase: `${origin}/${version as GraphVersion}`,
        store,
        options,
        lagScope: { seen: new Set() },
      };
      const r: GraphResponse = routeGraph(ctx);
      send(r.status, r.body, r.headers, r.contentType);
    } catch (e) {
      if (e instanceof GraphHttpError) sendError(e);
      else sendError(new GraphHttpError(500, "UnknownError", e instanceof Error ? e.message : String(e)));
    }
  }

  const server: Server = createServer({ cert: readFileSync(certs.certFile), key: readFileSync(certs.keyFile) }, (req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { "Content-Type": "text/plain" });
        res.end(String(e));
      }
    });
  });
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  url = `https://localhost:${port}`;
  armUrl = `https://127.0.0.1:${port}`;

  return {
    url,
    armUrl,
    armScope: `${armUrl}/.default`,
    tenantId: options.tenantId,
    homeTenantId: options.homeTenantId,
    subscriptionId: options.subscriptionId,
    resourceGroup: options.resourceGroup,
    arm,
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    env: () => ({
      AZURE_TENANT_ID: options.tenantId,
      AZURE_CLIENT_ID: options.clientId,
      AZURE_CLIENT_SECRET: options.clientSecret,
      AZURE_AUTHORITY_HOST: url,
    }),
    store,
    requests,
    writes: () => requests.filter((r) => r.service === "graph" && WRITE_METHODS.has(r.method)),
    armWrites: () => requests.filter(WRITE_ARM),
    clearLog: () => {
      requests.length = 0;
    },
    faults,
    options,
    accessToken: (opts?: IssueOptions) => tokens.issue(opts),
    armAccessToken: (opts?: { app?: boolean }) => tokens.issue({ tenantId: options.homeTenantId, audience: armUrl, user: !opts?.app }),
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        for (const s of sockets) s.destroy();
      }),
  };
}
