/** The ARM layer: the only way the dynamic providers reach Azure Resource Manager. */
export { armClient, type ArmClient, type ArmResponse } from "./client";
export { resolveArmConnection, armScope, PUBLIC_RESOURCE_MANAGER, type ArmConnection, type ResolvedArmConnection } from "./connection";
export { ArmRequestError, ArmAuthError, isArmError } from "./errors";
