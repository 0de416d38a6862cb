#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Checks deploy/kubernetes/*.yaml (run by tests/packaging/kubernetes.sh).

  k8s_check.py SWAGGER.json MANIFEST_DIR CONF_OUT

1. Schema: every object whose kind the Kubernetes OpenAPI (swagger 2.0)
   document defines (x-kubernetes-group-version-kind) is validated against
   it with python3-jsonschema, strictly like kubeconform -strict: an unknown
   field anywhere is an error (additionalProperties: false on every object
   schema that lists properties), as are wrong types and missing required
   fields. Kinds the document lacks (the PodMonitor, a CRD) are listed and
   left to kubernetes.sh.
2. The pieces fit: the DaemonSet runs collectd on the ConfigMap's
   collectd.conf at the path it mounts; hostNetwork; NET_ADMIN and SYS_ADMIN;
   the NamespaceDir of the configuration is a hostPath mount of that
   directory with HostToContainer propagation; write_prometheus's Port is the
   container's named port; the PodMonitor selects the DaemonSet's pods in its
   namespace, on that port name, with honorLabels.
3. Writes the ConfigMap's collectd.conf to CONF_OUT (for collectd -T).
Prints one line per finding; exit 0 clean, 1 findings, 2 usage.
"""

import copy
import json
import os
import re
import sys

import jsonschema
import yaml

problems = []


def fail(msg):
    problems.append(msg)
    print(f"FAIL: {msg}")


def ok(msg):
    print(f"ok:   {msg}")


def strict_definitions(defs):
    """The swagger definitions, made strict and usable by jsonschema."""
    out = copy.deepcopy(defs)
    for name, d in out.items():
        if name.endswith("intstr.IntOrString"):
            out[name] = {"type": ["integer", "string"]}
        elif name.endswith("resource.Quantity"):
            out[name] = {"type": ["integer", "number", "string"]}
    def walk(s):
        if isinstance(s, dict):
            if "properties" in s and "additionalProperties" not in s:
                s["additionalProperties"] = False
            for v in s.values():
                walk(v)
        elif isinstance(s, list):
            for v in s:
                walk(v)
    walk(out)
    return out


def kinds(defs):
    found = {}
    for name, d in defs.items():
        for gvk in d.get("x-kubernetes-group-version-kind", []):
            api = gvk["version"] if not gvk["group"] else f"{gvk['group']}/{gvk['version']}"
            found[(api, gvk["kind"])] = name
    return found


def validate(doc, where, swagger, defs, by_kind):
    key = (doc.get("apiVersion"), doc.get("kind"))
    name = by_kind.get(key)
    if not name:
        print(f"note: {where}: {key[0]} {key[1]} is not in the Kubernetes OpenAPI document (a CRD)")
        return False
    schema = {"$ref": f"#/definitions/{name}", "definitions": defs}
    v = jsonschema.Draft4Validator(schema)
    errors = sorted(v.iter_errors(doc), key=lambda e: list(e.absolute_path))
    for e in errors:
        path = "/".join(str(p) for p in e.absolute_path)
        fail(f"{where}: {key[1]} {path}: {e.message}")
    if not errors:
        ok(f"{where}: {key[1]} {doc['metadata']['name']} is valid {name} "
           f"(Kubernetes {swagger.get('info', {}).get('version')}, unknown fields rejected)")
    return True


def conf_value(conf, key):
    m = re.search(r'^\s*' + key + r'\s+"?([^"\s]+)"?', conf, re.M)
    return m.group(1) if m else None


def fit(docs):
    by = {}
    for d in docs:
        by.setdefault(d["kind"], []).append(d)
    for kind in ("ConfigMap", "DaemonSet", "PodMonitor"):
        if len(by.get(kind, [])) != 1:
            fail(f"want exactly one {kind}, have {len(by.get(kind, []))}")
            return None
    cm, ds, pm = by["ConfigMap"][0], by["DaemonSet"][0], by["PodMonitor"][0]
    conf = cm.get("data", {}).get("collectd.conf", "")
    pod = ds["spec"]["template"]["spec"]
    c = pod["containers"][0]
    argv = c.get("command", []) + c.get("args", [])
    check = lambda what, cond: ok(what) if cond else fail(what)

    check("the namespaces of ConfigMap, DaemonSet and PodMonitor agree",
          cm["metadata"].get("namespace") == ds["metadata"].get("namespace") == pm["metadata"].get("namespace"))
    check("the DaemonSet selects its own pod template",
          all(pod_labels_get(ds).get(k) == v for k, v in ds["spec"]["selector"]["matchLabels"].items()))
    # collectd runs in the foreground on the ConfigMap's collectd.conf.
    conf_path = argv[argv.index("-C") + 1] if "-C" in argv else None
    mounts = {m["name"]: m for m in c.get("volumeMounts", [])}
    vols = {v["name"]: v for v in pod.get("volumes", [])}
    cm_mount = next((m for n, m in mounts.items() if vols.get(n, {}).get("configMap", {}).get("name") == cm["metadata"]["name"]), None)
    check("collectd runs in the foreground (-f)", argv[:1] == ["collectd"] and "-f" in argv)
    check(f"-C {conf_path} is the ConfigMap's collectd.conf, mounted",
          cm_mount is not None and conf_path == os.path.join(cm_mount["mountPath"], "collectd.conf"))
    check("hostNetwork: the host's table, and write_prometheus on the node", pod.get("hostNetwork") is True)
    caps = c.get("securityContext", {}).get("capabilities", {})
    check("capabilities add NET_ADMIN (ctnetlink) and SYS_ADMIN (setns)",
          {"NET_ADMIN", "SYS_ADMIN"} <= set(caps.get("add", [])))
    check("not privileged (capabilities only)", not c.get("securityContext", {}).get("privileged", False))
    # NamespaceDir: the host's directory, mounted where the configuration says.
    nsdir = conf_value(conf, "NamespaceDir")
    ns_mount = next((m for m in c.get("volumeMounts", []) if m["mountPath"] == nsdir), None)
    hp = vols.get(ns_mount["name"], {}).get("hostPath", {}) if ns_mount else {}
    check(f"NamespaceDir {nsdir} is the host's {hp.get('path')}, mounted with HostToContainer",
          nsdir is not None and hp.get("path") == nsdir and ns_mount.get("mountPropagation") == "HostToContainer")
    check("LoadPlugin ctwatch and write_prometheus",
          re.search(r"^\s*LoadPlugin\s+ctwatch\s*$", conf, re.M) is not None and
          re.search(r"^\s*LoadPlugin\s+write_prometheus\s*$", conf, re.M) is not None)
    port = conf_value(conf, "Port")
    ports = {p.get("name"): p for p in c.get("ports", [])}
    ep = pm["spec"]["podMetricsEndpoints"][0]
    check(f"write_prometheus Port {port} is the container port named {ep.get('port')!r}",
          port is not None and ports.get(ep.get("port"), {}).get("containerPort") == int(port))
    check("the PodMonitor selects the DaemonSet's pods",
          all(pod_labels_get(ds).get(k) == v for k, v in pm["spec"]["selector"].get("matchLabels", {}).items())
          and pm["spec"]["selector"].get("matchLabels"))
    check("the PodMonitor keeps write_prometheus's instance label (honorLabels: true)",
          all(e.get("honorLabels") is True for e in pm["spec"]["podMetricsEndpoints"]))
    return conf


def pod_labels_get(ds):
    return ds["spec"]["template"].get("metadata", {}).get("labels", {})


def main(argv):
    if len(argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    swagger = json.load(open(argv[1]))
    defs = strict_definitions(swagger["definitions"])
    by_kind = kinds(swagger["definitions"])
    docs = []
    for f in sorted(os.listdir(argv[2])):
        if not f.endswith((".yaml", ".yml")):
            continue
        for i, d in enumerate(yaml.safe_load_all(open(os.path.join(argv[2], f)))):
            if d is None:
                continue
            docs.append(d)
            validate(d, f"{f}#{i}", swagger, defs, by_kind)
    conf = fit(docs)
    if conf is not None:
        with open(argv[3], "w") as out:
            out.write(conf)
    print(f"k8s_check: {len(docs)} objects, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
