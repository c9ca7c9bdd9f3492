/**
 * `npm run sample-config -- --app <key> [--out <path>] [--from <outputs.json>] [--stack <name>] [--redirect-uri <uri>]`
 *
 * Writes the MSAL configuration file of Microsoft's External ID JavaScript sample
 * (Azure-Samples/ms-identity-ciam-javascript-tutorial, 1-Authentication/0-sign-in-vanillajs, App/public/authConfig.js)
 * for one app of the stack, from the stack outputs — so "Sign in" works against the new tenant with no hand edits.
 *
 * The file keeps the sample's shape (a global `msalConfig` and `loginRequest`, read by its authRedirect.js /
 * authPopup.js, plus its CommonJS export for jest); only the tenant-specific values come from the stack.
 * Outputs come from `pulumi stack output --json` (the selected stack, or `--stack`), or from a saved copy (`--from`).
 *
 * @see https://learn.microsoft.com/en-us/entra/external-id/customers/sample-single-page-app-vanillajs-sign-in
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

/** The part of the stack outputs this command reads (index.ts `apps`). */
export interface SampleAuth {
  readonly clientId: string;
  readonly authority: string;
  readonly redirectUri: string;
}

/** A problem with the command line or the outputs; the message says what is available and what to do. */
export class SampleConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SampleConfigError";
  }
}

export interface SampleConfigOptions {
  readonly app: string;
  readonly out: string;
  readonly from?: string;
  readonly stack?: string;
  readonly redirectUri?: string;
}

const USAGE =
  "usage: npm run sample-config -- --app <app key> [--out <path to authConfig.js>] [--from <saved `pulumi stack output --json`>] " +
  "[--stack <stack>] [--redirect-uri <uri>]";

/** Parses `--name value` pairs. */
export function parseArgs(argv: readonly string[]): SampleConfigOptions {
  const known = new Set(["--app", "--out", "--from", "--stack", "--redirect-uri"]);
  const values: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i]!;
    const [flag, inline] = name.includes("=") ? [name.slice(0, name.indexOf("=")), name.slice(name.indexOf("=") + 1)] : [name, undefined];
    if (!known.has(flag)) throw new SampleConfigError(`unknown argument ${JSON.stringify(name)}; ${USAGE}`);
    const value = inline ?? argv[++i];
    if (value === undefined || value === "") throw new SampleConfigError(`${flag} needs a value; ${USAGE}`);
    values[flag] = value;
  }
  if (!values["--app"]) throw new SampleConfigError(`--app is required; ${USAGE}`);
  return {
    app: values["--app"],
    out: values["--out"] ?? "authConfig.js",
    ...(values["--from"] ? { from: values["--from"] } : {}),
    ...(values["--stack"] ? { stack: values["--stack"] } : {}),
    ...(values["--redirect-uri"] ? { redirectUri: values["--redirect-uri"] } : {}),
  };
}

/** The stack outputs: from a saved file, or from the Pulumi CLI. */
export function readOutputs(opts: Pick<SampleConfigOptions, "from" | "stack">): unknown {
  let text: string;
  let source: string;
  if (opts.from) {
    source = opts.from;
    try {
      text = fs.readFileSync(opts.from, "utf8");
    } catch (e) {
      throw new SampleConfigError(`cannot read ${opts.from}: ${(e as Error).message}`);
    }
  } else {
    const args = ["stack", "output", "--json", ...(opts.stack ? ["--stack", opts.stack] : [])];
    source = `pulumi ${args.join(" ")}`;
    try {
      text = execFileSync("pulumi", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    } catch (e) {
      const err = e as { stderr?: string; message: string };
      throw new SampleConfigError(`${source} failed: ${(err.stderr || err.message).trim()} (select the stack, or pass --from <saved outputs.json>)`);
    }
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new SampleConfigError(`${source} is not JSON (save it with: pulumi stack output --json > outputs.json)`);
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The sample's `auth` values for one app, or an error listing what the outputs hold. */
export function sampleAuthFor(outputs: unknown, app: string, redirectUriOverride?: string): SampleAuth {
  if (!isRecord(outputs) || !isRecord(outputs.apps)) {
    const keys = isRecord(outputs) ? Object.keys(outputs).sort().join(", ") || "none" : "none";
    throw new SampleConfigError(
      `the stack outputs have no "apps" (outputs present: ${keys}): run "pulumi up" on this stack first, or select the stack that configures the apps`,
    );
  }
  const available = Object.keys(outputs.apps).sort();
  const entry = outputs.apps[app];
  if (!isRecord(entry)) {
    throw new SampleConfigError(`no app ${JSON.stringify(app)} in the stack outputs; available: ${available.join(", ") || "(none)"}`);
  }
  const auth = isRecord(entry.msalConfig) && isRecord(entry.msalConfig.auth) ? entry.msalConfig.auth : {};
  const str = (v: unknown) => (typeof v === "string" && v !== "" ? v : undefined);
  const clientId = str(auth.clientId) ?? str(entry.clientId);
  const authority = str(auth.authority);
  if (!clientId || !authority) {
    throw new SampleConfigError(`app ${JSON.stringify(app)} has no msalConfig.auth.clientId/authority in the outputs: run "pulumi up" again to refresh them`);
  }
  const registered = Array.isArray(entry.redirectUris) ? entry.redirectUris.filter((u): u is string => typeof u === "string") : [];
  const redirectUri = redirectUriOverride ?? str(auth.redirectUri);
  if (!redirectUri) {
    throw new SampleConfigError(
      `app ${JSON.stringify(app)} has no sample redirect URI in the outputs (an app registered elsewhere): pass --redirect-uri ` +
        `with a URI registered on that app`,
    );
  }
  if (redirectUriOverride && registered.length > 0 && !registered.includes(redirectUriOverride)) {
    throw new SampleConfigError(`--redirect-uri ${redirectUriOverride} is not registered on app ${JSON.stringify(app)}; registered: ${registered.join(", ")}`);
  }
  return { clientId, authority, redirectUri };
}

/** The sample's `public/authConfig.js`, with the stack's values. Strings are JSON-encoded, i.e. valid JS literals. */
export function renderAuthConfig(auth: SampleAuth, app: string): string {
  const s = (v: string) => JSON.stringify(v);
  return `/**
 * Generated by ciam-tenant: npm run sample-config -- --app ${app}
 * Configuration object to be passed to MSAL instance on creation.
 * For a full list of MSAL.js configuration parameters, visit:
 * https://github.com/AzureAD/microsoft-authentication-library-for-js/blob/dev/lib/msal-browser/docs/configuration.md
 */
const msalConfig = {
    auth: {
        clientId: ${s(auth.clientId)}, // Application (client) ID of app "${app}" in the external tenant
        authority: ${s(auth.authority)}, // https://<tenant subdomain>.ciamlogin.com/
        redirectUri: ${s(auth.redirectUri)}, // registered on the app by the stack
        navigateToLoginRequestUrl: true, // If "true", will navigate back to the original request location before processing the auth code response.
    },
    cache: {
        cacheLocation: 'sessionStorage', // Configures cache location. "sessionStorage" is more secure, but "localStorage" gives you SSO.
        storeAuthStateInCookie: false, // set this to true if you have to support IE
    },
    system: {
        loggerOptions: {
            loggerCallback: (level, message, containsPii) => {
                if (containsPii) {
                    return;
                }
                switch (level) {
                    case msal.LogLevel.Error:
                        console.error(message);
                        return;
                    case msal.LogLevel.Info:
                        console.info(message);
                        return;
                    case msal.LogLevel.Verbose:
                        console.debug(message);
                        return;
                    case msal.LogLevel.Warning:
                        console.warn(message);
                        return;
                }
            },
        },
    },
};

/**
 * Scopes you add here will be prompted for user consent during sign-in.
 * By default, MSAL.js will add OIDC scopes (openid, profile, email) to any login request.
 */
const loginRequest = {
    scopes: [],
};

// exporting config object for jest
if (typeof exports !== 'undefined') {
    module.exports = {
        msalConfig: msalConfig,
        loginRequest: loginRequest,
    };
}
`;
}

/** Reads the outputs, writes the file, returns its path and values. */
export function run(argv: readonly string[]): { out: string; auth: SampleAuth } {
  const opts = parseArgs(argv);
  const auth = sampleAuthFor(readOutputs(opts), opts.app, opts.redirectUri);
  const out = path.resolve(opts.out);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, renderAuthConfig(auth, opts.app), "utf8");
  return { out, auth };
}

if (require.main === module) {
  try {
    const { out, auth } = run(process.argv.slice(2));
    console.log(`wrote ${out}\n  clientId     ${auth.clientId}\n  authority    ${auth.authority}\n  redirectUri  ${auth.redirectUri}`);
  } catch (e) {
    console.error(`sample-config: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(e instanceof SampleConfigError ? 2 : 1);
  }
}
