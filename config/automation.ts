/**
 * `automation`: the automation identity the stack creates in the tenant for pipelines, and the federated
 * credentials (GitHub Actions, Azure DevOps) that may act as it.
 */
import { createHash } from "node:crypto";
import type { z } from "zod";
import { GUID_TEXT, NIL_GUID } from "../dynamic-providers/core";
import { type Frozen, bool, boundedText, isRecord, list, strict, text } from "./fields";
import { report } from "./messages";

// Git ref names (git check-ref-format) without the wildcards Entra's federated credentials cannot match.
const GITHUB_OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
const GITHUB_REPO = /^[A-Za-z0-9._-]{1,100}$/;

/**
 * Branch name rules (git check-ref-format, minus wildcards): Entra matches a federated credential's subject exactly.
 * @returns what is wrong, or `undefined`
 * @see https://git-scm.com/docs/git-check-ref-format
 */
export function branchNameProblem(v: string): string | undefined {
  if (v.length === 0 || v.length > 255) return `is ${v.length} characters long`;
  if (v.startsWith("refs/")) return "starts with refs/ (write the branch name only)";
  if (/[*?[]/.test(v)) return "contains a wildcard (federated credential subjects are matched exactly)";
  if (/[\x00-\x20\x7f~^:\\]/.test(v) || v.includes("..") || v.includes("@{") || v === "@") return "contains a character or sequence git does not allow in a ref";
  if (v.startsWith("/") || v.endsWith("/") || v.includes("//") || v.endsWith(".") || v.endsWith(".lock") || /(^|\/)\./.test(v)) return "is not a valid git branch name";
  return undefined;
}

const GITHUB_REPOSITORY_ALLOWED = "owner/name, e.g. contoso/ciam-tenant (owner: letters, digits, -; name: letters, digits, ., _, -)";

/**
 * GitHub Actions workflows of one repository that may act as the automation identity, by OIDC subject.
 * @see https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/about-security-hardening-with-openid-connect#example-subject-claims
 */
const githubSchema = strict({
  /** `owner/name`. */
  repository: text(GITHUB_REPOSITORY_ALLOWED, (v) => {
    const [owner, name, ...rest] = v.split("/");
    if (rest.length || owner === undefined || name === undefined) return "is not owner/name";
    if (!GITHUB_OWNER.test(owner)) return `has an invalid owner ${JSON.stringify(owner)}`;
    if (!GITHUB_REPO.test(name) || name === "." || name === "..") return `has an invalid repository name ${JSON.stringify(name)}`;
    return undefined;
  }),
  /** Branches whose workflow runs may deploy (`repo:<repository>:ref:refs/heads/<branch>`). @default ["main"] unless environments or pullRequests is set */
  branches: list(text("a git branch name such as main or release/1.x, without wildcards", branchNameProblem), "branch names").optional(),
  /** Deployment environments (`repo:<repository>:environment:<name>`). @default - none */
  environments: list(
    text("a GitHub environment name: 1-255 characters, no : , * or control characters", (v) =>
      v.length === 0 || v.length > 255 ? `is ${v.length} characters long` : /[\x00-\x1f:,*]/.test(v) ? "contains :, a comma, * or a control character" : undefined,
    ),
    "environment names",
  ).optional(),
  /**
   * Runs triggered by pull requests (`repo:<repository>:pull_request`). Entra cannot make a federated credential
   * read-only: a pull request run gets the deployment's permissions. @default false
   */
  pullRequests: bool().default(false),
}).transform((g) => ({
  repository: g.repository,
  // No subject at all would make a credential nobody can use: main unless the config says otherwise.
  branches: g.branches ?? (g.environments?.length || g.pullRequests ? [] : ["main"]),
  environments: g.environments ?? [],
  pullRequests: g.pullRequests,
}));

const ADO_ISSUER_ALLOWED = "https://vstoken.dev.azure.com/<organization id GUID> or https://login.microsoftonline.com/<tenant id GUID>/v2.0 (copy it from the service connection)";
const ADO_SUBJECT_ALLOWED = "sc://<organization>/<project>/<service connection> or the /eid1/... identifier (copy it from the service connection)";
const ADO_ISSUER = new RegExp(`^https://(vstoken\\.dev\\.azure\\.com/${GUID_TEXT}|login\\.microsoftonline\\.com/${GUID_TEXT}/v2\\.0)$`);
const ADO_SUBJECT = /^(sc:\/\/[^/\s]+\/[^/\s]+\/[^/]+|\/eid1\/\S+)$/;
const adoName = (noun: string) => boundedText(256, 1).describe(noun);

/**
 * An Azure DevOps service connection (workload identity federation, manual) that may act as the automation identity.
 * `issuer` and `subject` are shown by Azure DevOps when the service connection is created.
 * @see https://learn.microsoft.com/en-us/azure/devops/pipelines/library/connect-to-azure#create-an-azure-resource-manager-service-connection-that-uses-workload-identity-federation
 */
const azureDevOpsSchema = strict({
  /** Organization name, for the outputs. @default - taken from an `sc://` subject */
  organization: adoName("organization").optional(),
  /** Project name, for the outputs. @default - taken from an `sc://` subject */
  project: adoName("project").optional(),
  /** Service connection name, for the outputs. @default - taken from an `sc://` subject */
  serviceConnection: adoName("serviceConnection").optional(),
  /** `https://vstoken.dev.azure.com/<organization id>` or `https://login.microsoftonline.com/<tenant id>/v2.0`. */
  issuer: text(ADO_ISSUER_ALLOWED, (v) =>
    v.toLowerCase().includes(NIL_GUID)
      ? "holds the all-zero placeholder GUID, not the organization's or tenant's id"
      : ADO_ISSUER.test(v)
        ? undefined
        : "is not an Azure DevOps workload identity issuer",
  ),
  /** `sc://<organization>/<project>/<service connection>` or the `/eid1/…` identifier Azure DevOps shows. */
  subject: text(ADO_SUBJECT_ALLOWED, (v) => (v.length <= 600 && ADO_SUBJECT.test(v) ? undefined : "is not an Azure DevOps service connection subject")),
}).transform((a) => {
  const parts = a.subject.startsWith("sc://") ? a.subject.slice(5).split("/") : [];
  const organization = a.organization ?? parts[0];
  const project = a.project ?? parts[1];
  const serviceConnection = a.serviceConnection ?? (parts.length > 2 ? parts.slice(2).join("/") : undefined);
  return {
    ...(organization ? { organization } : {}),
    ...(project ? { project } : {}),
    ...(serviceConnection ? { serviceConnection } : {}),
    issuer: a.issuer,
    subject: a.subject,
  };
});

/** GitHub workflows that may act as the automation identity (branches defaulted). */
export type GitHubAutomationConfig = Frozen<z.output<typeof githubSchema>>;
/** An Azure DevOps service connection that may act as the automation identity (names taken from an `sc://` subject). */
export type AzureDevOpsAutomationConfig = Frozen<z.output<typeof azureDevOpsSchema>>;

/** Entra allows at most 20 federated identity credentials per application. */
export const MAX_FEDERATED_CREDENTIALS = 20;

/** GitHub's OIDC token issuer. @see https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/about-security-hardening-with-openid-connect */
export const GITHUB_OIDC_ISSUER = "https://token.actions.githubusercontent.com";

/** One federated identity credential the automation app needs: a short key (names the resource), issuer, subject. */
export interface FederatedSubject {
  /** Logical key: `github-branch-main`, `github-env-production`, `github-pull-request`, `azure-devops`. */
  readonly key: string;
  readonly issuer: string;
  readonly subject: string;
}

/** Longest slug in a federated credential key: 120 (Entra's limit) - "github-branch-" - "-<n>" of a collision. */
const MAX_SUBJECT_SLUG = 120 - "github-branch-".length - 4;

/** Every federated credential the automation config asks for, in config order. Pure. */
export function automationSubjects(a: { readonly github?: GitHubAutomationConfig; readonly azureDevOps?: AzureDevOpsAutomationConfig }): FederatedSubject[] {
  const out: FederatedSubject[] = [];
  // The key is the federated credential's name, which Entra limits to 120 characters: a long name is cut and
  // made unique with a digest of the whole name (room is left for the "-<n>" of slugs that collide).
  // @see https://learn.microsoft.com/en-us/graph/api/resources/federatedidentitycredential
  const slug = (v: string) => {
    const s = v.replace(/[^A-Za-z0-9-]+/g, "-").replace(/^-+|-+$/g, "").toLowerCase() || "x";
    return s.length <= MAX_SUBJECT_SLUG ? s : `${s.slice(0, MAX_SUBJECT_SLUG - 9)}-${createHash("sha256").update(v).digest("hex").slice(0, 8)}`;
  };
  if (a.github) {
    const repo = `repo:${a.github.repository}`;
    for (const b of a.github.branches) out.push({ key: `github-branch-${slug(b)}`, issuer: GITHUB_OIDC_ISSUER, subject: `${repo}:ref:refs/heads/${b}` });
    for (const e of a.github.environments) out.push({ key: `github-env-${slug(e)}`, issuer: GITHUB_OIDC_ISSUER, subject: `${repo}:environment:${e}` });
    if (a.github.pullRequests) out.push({ key: "github-pull-request", issuer: GITHUB_OIDC_ISSUER, subject: `${repo}:pull_request` });
  }
  if (a.azureDevOps) out.push({ key: "azure-devops", issuer: a.azureDevOps.issuer, subject: a.azureDevOps.subject });
  // Keys name resources: two branches that slug alike (a/b, a-b) get distinct keys, in config order.
  const used = new Map<string, number>();
  return out.map((s) => {
    const n = (used.get(s.key) ?? 0) + 1;
    used.set(s.key, n);
    return n === 1 ? s : { ...s, key: `${s.key}-${n}` };
  });
}

/** The automation identity the stack creates in the tenant for pipelines (off when absent). */
export const automationSchema = strict({
  /** Display name of the automation app registration. @default "ciam-tenant automation" */
  displayName: boundedText(120, 1).default("ciam-tenant automation"),
  /** @default - no GitHub trust */
  github: githubSchema.optional(),
  /** @default - no Azure DevOps trust */
  azureDevOps: azureDevOpsSchema.optional(),
})
  .superRefine(
    (a, ctx) => {
      const raw: unknown = a;
      if (!isRecord(raw)) return;
      if (raw.github === undefined && raw.azureDevOps === undefined) {
        report(ctx, [], raw, "trusts no pipeline", "github: {repository, ...} and/or azureDevOps: {issuer, subject}");
      }
    },
    { when: () => true },
  )
  .transform((a, ctx) => {
    const subjects = automationSubjects(a);
    if (subjects.length > MAX_FEDERATED_CREDENTIALS) {
      report(ctx, [], subjects.length, "federated credentials would be needed", `at most ${MAX_FEDERATED_CREDENTIALS} branches + environments + pull requests + Azure DevOps per app`);
    }
    const seen = new Set<string>();
    for (const s of subjects) {
      if (seen.has(s.subject)) report(ctx, [], s.subject, "is listed twice", "each branch and environment once");
      seen.add(s.subject);
    }
    return { displayName: a.displayName, ...(a.github ? { github: a.github } : {}), ...(a.azureDevOps ? { azureDevOps: a.azureDevOps } : {}) };
  });

/** The automation identity the stack creates in the tenant for pipelines. */
export type AutomationConfig = Frozen<z.output<typeof automationSchema>>;
