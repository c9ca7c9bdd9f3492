"use strict";
/*
 * A throw-away certificate authority and a localhost server certificate for the HTTPS Graph and login
 * emulators. Kept under tests/.cache (git-ignored) and regenerated when missing or close to expiry.
 * Nothing here is a secret: it only lets the test processes trust the local emulator.
 */
const fs = require("node:fs");
const path = require("node:path");
const crypto = require("node:crypto");

const dir = path.resolve(__dirname, "..", ".cache", "certs");
const files = {
  caFile: path.join(dir, "test-ca.pem"),
  certFile: path.join(dir, "localhost.pem"),
  keyFile: path.join(dir, "localhost-key.pem"),
};

function stillValid() {
  try {
    for (const f of Object.values(files)) fs.accessSync(f, fs.constants.R_OK);
    const cert = new crypto.X509Certificate(fs.readFileSync(files.certFile));
    return new Date(cert.validTo).getTime() - Date.now() > 24 * 3600 * 1000;
  } catch {
    return false;
  }
}

async function ensureTestCertificates() {
  if (stillValid()) return { ...files };
  const selfsigned = require("selfsigned");
  const now = new Date();
  const until = new Date(now.getTime() + 30 * 24 * 3600 * 1000);
  const ca = await selfsigned.generate([{ name: "commonName", value: "ciam-tenant test CA" }], {
    keySize: 2048, algorithm: "sha256", notBeforeDate: new Date(now.getTime() - 3600 * 1000), notAfterDate: until,
    extensions: [
      { name: "basicConstraints", cA: true, critical: true },
      { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
    ],
  });
  const leaf = await selfsigned.generate([{ name: "commonName", value: "localhost" }], {
    keySize: 2048, algorithm: "sha256", notBeforeDate: new Date(now.getTime() - 3600 * 1000), notAfterDate: until,
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: "basicConstraints", cA: false },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
      { name: "extKeyUsage", serverAuth: true },
      { name: "subjectAltName", altNames: [{ type: 2, value: "localhost" }, { type: 7, ip: "127.0.0.1" }] },
    ],
  });
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(files.caFile, ca.cert);
  fs.writeFileSync(files.certFile, leaf.cert);
  fs.writeFileSync(files.keyFile, leaf.private, { mode: 0o600 });
  return { ...files };
}

module.exports = { ensureTestCertificates, certificateFiles: files };

if (require.main === module) {
  ensureTestCertificates().then((f) => console.log(JSON.stringify(f)));
}
