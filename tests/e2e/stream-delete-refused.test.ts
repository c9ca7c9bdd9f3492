/**
 * `pulumi destroy` on the real engine when Graph refuses to delete a branding image (emulator switch
 * `streamDelete: unsupported`; whether Graph honours DELETE of a stream is unknown, reference §4.5). The other
 * answer runs in lifecycle.test.ts. The destroy must fail loudly, naming what to do, drop nothing from the state
 * silently, and the README's fix (remove the image in the admin center, `pulumi state delete <urn>`, destroy again)
 * must finish the job.
 *
 * What this does not prove: what the real admin center offers (the removal is done in the emulator's store).
 */
import { Scenario, SCENARIO_RESOURCES, startScenario } from "./scenario";

jest.setTimeout(10 * 60_000);

let s: Scenario;

beforeAll(async () => {
  s = await startScenario({ streamDelete: "unsupported" });
});

afterAll(async () => {
  await s?.emu.stop();
  s?.stack.dispose();
});

test("destroy stops at the images Graph will not delete; removed by hand and dropped from the state, destroy finishes", async () => {
  await s.stack.up();
  expect(s.emu.store.counts()).toMatchObject({ brandingStreams: 2 });

  const refused = await s.stack.run(["destroy", "--yes", "--skip-preview"], { okCodes: [255, 1] });
  expect(refused.stdout + refused.stderr).toMatch(/Graph refused to remove the bannerLogo image of branding locale (0|fr-FR)/);
  expect(refused.stdout + refused.stderr).toContain("pulumi state delete");
  const left = (await s.stack.exportState()).resources ?? [];
  // Both images are still in the state: nothing was dropped silently.
  expect(left.filter((r) => r.type === "pulumi-nodejs:dynamic/graph:BrandingAsset")).toHaveLength(2);
  expect(left.length).toBeLessThan(SCENARIO_RESOURCES.length + 1);

  // The fix the error names: remove the image in the admin center, then drop the resource from the state.
  for (const asset of left.filter((r) => r.type === "pulumi-nodejs:dynamic/graph:BrandingAsset")) {
    const locale = (asset.outputs as { locale: string }).locale;
    s.emu.store.removeStream(s.emu.store.findBranding(locale)!, "bannerLogo");
    await s.stack.run(["state", "delete", asset.urn, "--yes"]);
  }
  await s.stack.destroy();

  expect(s.emu.store.counts()).toMatchObject({ flows: 0, customAttributes: 0, flowLinks: 0, defaultBranding: 0, localizations: 0, brandingStreams: 0 });
  expect((await s.stack.exportState()).resources ?? []).toEqual([]);
});
