/**
 * The example stack Pulumi.dev.yaml as the tests read it. The shipped file carries placeholders
 * (`<your-subscription-id>`) that the config schema refuses on purpose, so that a first run of the unchanged file
 * stops with the list of keys to fill in; tests that need a valid stack fill them as a user would.
 */
import * as fs from "node:fs";
import * as path from "node:path";

export const REPO_ROOT = path.resolve(__dirname, "..", "..");

/** What a user would write in place of each placeholder of the example file. */
export const EXAMPLE_FILLS: Readonly<Record<string, string>> = {
  "<your-subscription-id>": "3f2b8c1e-7d4a-4c55-9e61-0a1b2c3d4e5f",
  "<your-home-tenant-id>": "8d1e2f3a-4b5c-4d6e-8f70-1a2b3c4d5e6f",
};

/** The shipped text of Pulumi.dev.yaml. */
export function exampleStackText(): string {
  return fs.readFileSync(path.join(REPO_ROOT, "Pulumi.dev.yaml"), "utf8");
}

/** Pulumi.dev.yaml with its placeholders filled in. */
export function filledExampleStackText(): string {
  let text = exampleStackText();
  for (const [placeholder, value] of Object.entries(EXAMPLE_FILLS)) {
    if (!text.includes(placeholder)) throw new Error(`Pulumi.dev.yaml no longer has the placeholder ${placeholder}`);
    text = text.split(placeholder).join(value);
  }
  return text;
}
