"""Kubernetes manifests, validated offline against the Kubernetes API schemas (kubernetes-validate,
strict: unknown fields fail): the chaincode-server manifests the gateway generates
(GET /api/v1/packages/{packageId}/manifests, from a running gateway binary) and the gateway's own
deployment in deploy/kubernetes/."""
import os
import pathlib
import subprocess
import sys
import urllib.parse

import kubernetes_validate
import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "IntegrationTests" / "browser"))
from dashboard_harness import Gateway  # noqa: E402  (the gateway process of the browser tests)

DEPLOY = ROOT / "deploy" / "kubernetes"
# Test-only PEM shapes: the ccaas builder checks PEM structure, not the certificate itself.
CERT = "-----BEGIN CERTIFICATE-----\nTUlJQnJvb3RjZXJ0\n-----END CERTIFICATE-----\n"
KEY = "-----BEGIN PRIVATE KEY-----\nc2VjcmV0LWtleS1ieXRlcw==\n-----END PRIVATE KEY-----\n"


def validate(documents):
    version = kubernetes_validate.latest_version()
    for doc in documents:
        kubernetes_validate.validate(doc, version, strict=True)


@pytest.fixture(scope="module")
def gateway():
    gw = Gateway()
    yield gw
    gw.stop()


def build(gateway, label, address, **tls):
    status, body = gateway.request("POST", "/api/v1/packages/ccaas", {"label": label, "address": address, **tls})
    assert status == 201, body
    return body["packageId"]


def manifests(gateway, package_id, **query):
    status, body = gateway.request("GET", f"/api/v1/packages/{urllib.parse.quote(package_id)}/manifests?"
                                   + urllib.parse.urlencode(query))
    return status, body


def by_kind(documents):
    return {d["kind"]: d for d in documents}


def test_kubernetes_manifests_validate_and_match_connection_json(gateway):
    package_id = build(gateway, "basic_1.0", "basic-ccaas.fabric.svc.cluster.local:9999")
    query = {"format": "kubernetes", "image": "registry.example.com/basic-ccaas:1.0", "namespace": "fabric",
             "channel": "mychannel", "chaincode": "basic"}
    status, text = manifests(gateway, package_id, **query)
    assert status == 200, text
    assert manifests(gateway, package_id, **query)[1] == text, "same inputs, same bytes"
    docs = list(yaml.safe_load_all(text))
    validate(docs)
    kinds = by_kind(docs)
    assert sorted(kinds) == ["Deployment", "Service"]
    service, deployment = kinds["Service"], kinds["Deployment"]
    assert service["metadata"]["name"] == "basic-ccaas" and service["metadata"]["namespace"] == "fabric"
    assert service["spec"]["ports"][0]["port"] == 9999
    pod = deployment["spec"]["template"]
    assert service["spec"]["selector"].items() <= pod["metadata"]["labels"].items()
    assert deployment["spec"]["selector"]["matchLabels"] == service["spec"]["selector"]
    assert pod["metadata"]["labels"]["chaincode-gateway/channel"] == "mychannel"
    assert pod["metadata"]["labels"]["chaincode-gateway/chaincode"] == "basic"
    container = pod["spec"]["containers"][0]
    env = {e["name"]: e["value"] for e in container["env"]}
    assert env == {"CHAINCODE_ID": package_id, "CHAINCODE_SERVER_ADDRESS": "0.0.0.0:9999", "CHAINCODE_TLS_DISABLED": "true"}
    assert container["ports"][0]["containerPort"] == 9999
    assert "tcpSocket" in container["readinessProbe"] and "tcpSocket" in container["livenessProbe"]
    assert container["resources"]["requests"]["cpu"] and container["resources"]["requests"]["memory"]


def test_tls_adds_a_secret_mounted_where_the_tls_variables_point(gateway):
    package_id = build(gateway, "secure_1.0", "secure-cc:7052", tlsRequired=True, clientAuthRequired=True,
                       rootCert=CERT, clientCert=CERT, clientKey=KEY)
    status, text = manifests(gateway, package_id, image="secure-cc:2.1", namespace="org1")
    assert status == 200, text
    docs = list(yaml.safe_load_all(text))
    validate(docs)
    kinds = by_kind(docs)
    secret = kinds["Secret"]
    assert secret["type"] == "kubernetes.io/tls" and sorted(secret["stringData"]) == ["ca.crt", "tls.crt", "tls.key"]
    pod = kinds["Deployment"]["spec"]["template"]["spec"]
    assert pod["volumes"] == [{"name": "tls", "secret": {"secretName": secret["metadata"]["name"]}}]
    mount = pod["containers"][0]["volumeMounts"][0]["mountPath"]
    env = {e["name"]: e["value"] for e in pod["containers"][0]["env"]}
    assert env["CHAINCODE_TLS_DISABLED"] == "false"
    for name, file in (("CHAINCODE_TLS_KEY", "tls.key"), ("CHAINCODE_TLS_CERT", "tls.crt"), ("CHAINCODE_CLIENT_CA_CERT", "ca.crt")):
        assert env[name] == f"{mount}/{file}"
    assert kinds["Service"]["metadata"]["namespace"] == "org1"
    assert KEY.splitlines()[1] not in text, "the client key never leaves the package"


def test_compose_snippet_is_a_service_on_the_external_network(gateway):
    package_id = build(gateway, "composed_1.0", "basic-ccaas:9999")
    status, text = manifests(gateway, package_id, format="compose", image="basic-ccaas:1.0", network="fabric-gateway")
    assert status == 200, text
    doc = yaml.safe_load(text)
    service = doc["services"]["basic-ccaas"]
    assert service["environment"] == {"CHAINCODE_ID": package_id, "CHAINCODE_SERVER_ADDRESS": "0.0.0.0:9999",
                                      "CHAINCODE_TLS_DISABLED": "true"}
    assert service["networks"] == ["fabric-gateway"] and doc["networks"] == {"fabric-gateway": {"external": True}}


def test_mismatched_address_is_refused_with_the_reason(gateway):
    package_id = build(gateway, "elsewhere_1.0", "basic.example.com:9999")
    status, body = manifests(gateway, package_id, image="basic:1")
    assert status == 409 and body["error"]["code"] == "address_mismatch"
    assert "'basic.example.com:9999' is not a Kubernetes Service name" in body["error"]["message"]


# ---------------------------------------------------------------- deploy/kubernetes


def deploy_documents():
    docs = {}
    for path in sorted(DEPLOY.glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text()):
            docs[(doc["kind"], doc["metadata"]["name"])] = doc
    return docs


def test_deploy_kubernetes_validates_strictly():
    docs = deploy_documents()
    validate(docs.values())
    assert {kind for kind, _ in docs} == {"StatefulSet", "Service", "ConfigMap", "Secret"}


def test_statefulset_is_one_non_root_replica_with_its_data_on_a_claim():
    docs = deploy_documents()
    sts = docs[("StatefulSet", "chaincode-gateway")]
    spec = sts["spec"]
    assert spec["replicas"] == 1
    pod = spec["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True and pod["securityContext"]["runAsUser"] == 10001
    container = pod["containers"][0]
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    mounts = {m["mountPath"]: m for m in container["volumeMounts"]}
    claim = spec["volumeClaimTemplates"][0]["metadata"]["name"]
    assert mounts["/var/lib/gateway"]["name"] == claim and not mounts["/var/lib/gateway"].get("readOnly")
    assert "--data-dir" in container["args"] and container["args"][container["args"].index("--data-dir") + 1] == "/var/lib/gateway"
    service = docs[("Service", "chaincode-gateway")]
    assert service["spec"]["selector"].items() <= spec["template"]["metadata"]["labels"].items()
    assert spec["serviceName"] == "chaincode-gateway"


def test_configmap_network_config_passes_the_gateways_check_and_uses_the_mounted_secret(tmp_path):
    docs = deploy_documents()
    config_map = docs[("ConfigMap", "chaincode-gateway-config")]
    config = tmp_path / "gateway.yaml"
    config.write_text(config_map["data"]["gateway.yaml"])
    binary = os.environ.get("GATEWAY_BIN", str(ROOT / ".build" / "debug" / "chaincode-gateway"))
    run = subprocess.run([binary, "check-config", "--config", str(config), "--syntax-only"], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "2 organizations, 2 peers, 1 orderers, channels mychannel" in run.stdout
    sts = docs[("StatefulSet", "chaincode-gateway")]["spec"]["template"]["spec"]
    container = sts["containers"][0]
    mounts = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
    assert container["args"][container["args"].index("--config") + 1] == mounts["config"] + "/gateway.yaml"
    secret_volume = next(v for v in sts["volumes"] if v["name"] == "msp")["secret"]
    files = {mounts["msp"] + "/" + item["path"] for item in secret_volume["items"]}
    secret = docs[("Secret", secret_volume["secretName"])]
    assert {item["key"] for item in secret_volume["items"]} == set(secret["stringData"])
    network = yaml.safe_load(config.read_text())["network"]
    for org in network["organizations"]:
        for identity in ("adminIdentity", "clientIdentity"):
            msp = org[identity]["mspDir"]
            assert {msp + "/signcerts/cert.pem", msp + "/keystore/key.pem"} <= files, msp
        for peer in org["peers"]:
            assert peer["tls"]["rootCertFile"] in files
            assert peer["address"].split(":")[0].endswith(".svc.cluster.local")
    for orderer in network["orderers"]:
        assert orderer["tls"]["rootCertFile"] in files
