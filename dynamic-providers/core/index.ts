/**
 * What every layer stands on, below both transports: the shared vocabulary, the error vocabulary, the rule kernel,
 * the transport helpers (retries, back-off, polling, network failures) and the one credential entry point.
 */
export * from "./vocabulary";
export * from "./errors";
export * from "./rules";
export * from "./transport";
export * from "./identity";
export * from "./credentials";
