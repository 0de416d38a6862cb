// SPDX-License-Identifier: GPL-2.0-only
// Validates Kubernetes objects (a JSON array on stdin) with the npm packages
// kubernetes-models and @kubernetes-models/prometheus-operator, whose
// validators are generated from the Kubernetes OpenAPI document and from the
// Prometheus Operator's CRDs (PodMonitor). They check types, enums and
// required fields, not unknown fields (k8s_check.py does that for the core
// kinds). Run by tests/packaging/kubernetes.sh with NODE_PATH set to the
// packages' node_modules. Exit 0 valid, 1 not.
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import path from "node:path";

const modules = process.env.NODE_PATH;
const load = async (p) => import(pathToFileURL(path.join(modules, p + ".js")).href);
const classes = {
  "v1/ConfigMap": ["kubernetes-models/v1/ConfigMap", "ConfigMap"],
  "apps/v1/DaemonSet": ["kubernetes-models/apps/v1/DaemonSet", "DaemonSet"],
  "monitoring.coreos.com/v1/PodMonitor": ["@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PodMonitor", "PodMonitor"],
};
const docs = JSON.parse(readFileSync(0, "utf8"));
let bad = 0;
for (const d of docs) {
  const key = `${d.apiVersion}/${d.kind}`;
  const c = classes[key];
  if (!c) { console.log(`FAIL: no validator for ${key}`); bad++; continue; }
  const Cls = (await load(c[0]))[c[1]];
  try {
    new Cls(d).validate();
    console.log(`ok:   ${d.kind} ${d.metadata.name} is valid for ${c[0].split("/")[0] === "@kubernetes-models" ? "@kubernetes-models/prometheus-operator" : "kubernetes-models"}`);
  } catch (e) {
    console.log(`FAIL: ${d.kind} ${d.metadata.name}: ${e.message}`);
    bad++;
  }
}
process.exit(bad ? 1 : 0);
