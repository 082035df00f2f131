// Validates Kubernetes manifests (a multi-document YAML stream on stdin,
// e.g. `kubectl kustomize deploy/overlays/single-node`) against the
// Kubernetes API schemas of kubernetes-models. Prints each object and exits
// non-zero naming the first invalid one.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

const text = readFileSync(0, "utf8");
let count = 0;
let failed = false;
for (const doc of parseAllDocuments(text)) {
  if (doc.errors.length > 0) {
    console.error(`YAML error: ${doc.errors[0].message}`);
    process.exit(2);
  }
  const obj = doc.toJS();
  if (obj === null) continue;
  const { apiVersion, kind } = obj;
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  const path = group ? `kubernetes-models/${group}/${version}/${kind}` : `kubernetes-models/${version}/${kind}`;
  let Model;
  try {
    Model = (await import(path))[kind];
  } catch (e) {
    console.error(`${apiVersion} ${kind} ${obj.metadata?.name}: no schema for this kind (${e.message})`);
    failed = true;
    continue;
  }
  try {
    new Model(obj).validate();
    console.log(`ok   ${apiVersion} ${kind} ${obj.metadata?.namespace ?? "-"}/${obj.metadata?.name}`);
    count++;
  } catch (e) {
    console.error(`FAIL ${apiVersion} ${kind} ${obj.metadata?.name}: ${e.message}`);
    failed = true;
  }
}
if (count === 0) {
  console.error("no objects to validate");
  process.exit(2);
}
process.exit(failed ? 1 : 0);
