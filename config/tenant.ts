/**
 * `tenant`: the external tenant, created by the stack through ARM (`create`) or existing (`existing`), and the
 * values every variant derives from its subdomain.
 */
import { createHash } from "node:crypto";
import type { z } from "zod";
import { type Frozen, bool, boundedText, guid, isRecord, oneOf, strict, text } from "./fields";
import { report } from "./messages";

/**
 * Data-residency geographies of an external tenant (ARM `location` of `ciamDirectories`, not an Azure region).
 * @see https://learn.microsoft.com/en-us/rest/api/activedirectory/ciam-tenants/create
 */
export const DATA_LOCATIONS = ["United States", "Europe", "Asia Pacific", "Australia"] as const;
/** One of {@link DATA_LOCATIONS}. */
export type DataLocation = (typeof DATA_LOCATIONS)[number];

/** `sku.name` values of `ciamDirectories` (2023-05-17-preview). */
export const TENANT_SKUS = ["Standard", "PremiumP1", "PremiumP2"] as const;
/** One of {@link TENANT_SKUS}. */
export type TenantSku = (typeof TENANT_SKUS)[number];

/** Values of `tenant.create.subdomainSuffix`. */
export const SUBDOMAIN_SUFFIXES = ["none", "stack"] as const;
/** Length of the suffix `subdomainSuffix: stack` appends. */
export const SUBDOMAIN_SUFFIX_LENGTH = 6;

/** ISO 3166-1 alpha-2 officially assigned codes (249, as maintained by the ISO 3166 Maintenance Agency). */
export const ISO_3166_ALPHA2 = new Set(
  (
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ " +
    "CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO " +
    "FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE " +
    "JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO " +
    "MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW " +
    "PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM " +
    "TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW"
  ).split(" "),
);

const SUBDOMAIN = /^[A-Za-z0-9]{1,26}$/;
const RG_NAME = /^[-\w._()]{1,90}$/;
const REGION = /^[a-z0-9]+$/;

const subdomain = () => text("1-26 ASCII letters or digits", (v) => (SUBDOMAIN.test(v) ? undefined : "is not a valid subdomain"));

/** Values every tenant variant derives from its subdomain. */
export interface TenantDerived {
  /** Initial subdomain: 1–26 ASCII letters/digits. */
  readonly subdomain: string;
  /** `https://<subdomain>.ciamlogin.com/`, the authority apps sign in against. */
  readonly authority: string;
  /** `<subdomain>.onmicrosoft.com`, the initial domain. */
  readonly domainName: string;
}

function tenantDerived(subdomain: string): TenantDerived {
  return { subdomain, authority: `https://${subdomain}.ciamlogin.com/`, domainName: `${subdomain}.onmicrosoft.com` };
}

/**
 * A tenant the stack creates through ARM (`Microsoft.AzureActiveDirectory/ciamDirectories`).
 * @see https://learn.microsoft.com/en-us/rest/api/activedirectory/ciam-tenants/create
 */
const tenantCreateSchema = strict({
  /** Subscription that holds the resource group (GUID, lower-cased); preflight and deletion checks ask ARM there. */
  subscriptionId: guid("subscriptionId"),
  /** Tenant the subscription belongs to (GUID, lower-cased): ARM tokens come from it, not from the CIAM tenant. */
  homeTenantId: guid("homeTenantId"),
  /**
   * `stack`: `subdomain` is the configured prefix plus {@link SUBDOMAIN_SUFFIX_LENGTH} characters derived from the
   * subscription, project and stack names — stable for the life of the stack, different for every stack, so
   * parallel pipelines never collide. Ephemeral stacks only. @default "none"
   */
  subdomainSuffix: oneOf(SUBDOMAIN_SUFFIXES, "subdomainSuffix").default("none"),
  /** Resource group that holds the `ciamDirectories` resource. */
  resourceGroup: strict({
    /** ARM resource group name. */
    name: text("an ARM resource group name: 1-90 letters, digits, -, _, ., ( or ), not ending in .", (v) =>
      RG_NAME.test(v) && !v.endsWith(".") ? undefined : "is not a valid resource group name",
    ),
    /** Azure region of the resource group (lower-case token, e.g. `westeurope`). */
    location: text("a lower-case Azure region name such as westeurope or eastus", (v) => (REGION.test(v) ? undefined : "is not an Azure region name")),
    /** Whether the stack creates the resource group. @default true - the stack creates and owns it. */
    create: bool().default(true),
  }),
  /** Initial subdomain (with `subdomainSuffix: stack`, its prefix). */
  subdomain: subdomain(),
  /** `createTenantProperties.displayName`. Create-only: a change replaces the tenant. */
  displayName: boundedText(256, 1),
  /** `createTenantProperties.countryCode`, ISO 3166-1 alpha-2. Create-only. */
  countryCode: text("an upper-case ISO 3166-1 alpha-2 code such as US, FR or DE", (v) =>
    ISO_3166_ALPHA2.has(v) ? undefined : ISO_3166_ALPHA2.has(v.toUpperCase()) ? "is not upper-case" : "is not an assigned ISO 3166-1 alpha-2 code",
  ),
  /** ARM `location`: the data-residency geography. Create-only. */
  dataLocation: oneOf(DATA_LOCATIONS, "dataLocation", "a data-residency geography, not an Azure region"),
  /** `sku.name`. @default "Standard" */
  sku: oneOf(TENANT_SKUS, "sku").default("Standard"),
});

/** A tenant that already exists; the stack only configures it. */
const tenantExistingSchema = strict({
  /** Tenant id (GUID, lower-cased). */
  tenantId: guid("tenantId"),
  /** The tenant's initial subdomain. */
  subdomain: subdomain(),
});

/** `tenant`: exactly one of `create`, `existing`; parsed into a {@link TenantConfig} switched on `kind`. */
export const tenantSchema = strict({ create: tenantCreateSchema.optional(), existing: tenantExistingSchema.optional() })
  .superRefine(
    (value, ctx) => {
      const t: unknown = value; // partially parsed when a child is invalid
      if (!isRecord(t)) return;
      const present = ["create", "existing"].filter((k) => t[k] !== undefined);
      if (present.length !== 1) {
        report(ctx, [], t, present.length ? "sets both create and existing" : "sets neither create nor existing", "exactly one of create, existing");
      }
    },
    { when: () => true },
  )
  .transform((t) => {
    if (t.create) return { kind: "create" as const, ...t.create, ...tenantDerived(t.create.subdomain) };
    const e = t.existing!;
    return { kind: "existing" as const, tenantId: e.tenantId, ...tenantDerived(e.subdomain) };
  });

/** The tenant: created by the stack or existing. Switch on `kind`. */
export type TenantConfig = Frozen<z.output<typeof tenantSchema>>;
/** A tenant the stack creates through ARM. */
export type CreateTenantConfig = Extract<TenantConfig, { kind: "create" }>;
/** A tenant that already exists; the stack only configures it. */
export type ExistingTenantConfig = Extract<TenantConfig, { kind: "existing" }>;
/** Resource group that holds the `ciamDirectories` resource. */
export type ResourceGroupConfig = CreateTenantConfig["resourceGroup"];

/**
 * The suffix `subdomainSuffix: stack` appends: base-36 digits of a SHA-256 of subscription, project and stack —
 * derived, not random, so it is the same on every run of the stack (no state, no random provider) and differs
 * between stacks. Renaming the stack changes it, which replaces the tenant.
 */
export function stackSubdomainSuffix(subscriptionId: string, project: string, stack: string): string {
  const digest = createHash("sha256").update(`${subscriptionId.toLowerCase()}/${project}/${stack}`).digest();
  return BigInt(`0x${digest.toString("hex")}`).toString(36).slice(0, SUBDOMAIN_SUFFIX_LENGTH).padStart(SUBDOMAIN_SUFFIX_LENGTH, "0");
}

/** The tenant with `subdomainSuffix: stack` applied (unchanged otherwise). */
export function withSubdomainSuffix(t: TenantConfig, project: string, stack: string): TenantConfig {
  if (t.kind !== "create" || t.subdomainSuffix !== "stack") return t;
  const subdomain = `${t.subdomain}${stackSubdomainSuffix(t.subscriptionId, project, stack)}`;
  return { ...t, ...tenantDerived(subdomain) };
}
