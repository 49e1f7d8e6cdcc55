"""schemathesis hooks (SCHEMATHESIS_HOOKS): application/yaml responses may be multi-document streams (the
Kubernetes manifests of GET /api/v1/packages/{packageId}/manifests), which schemathesis's built-in YAML
deserializer refuses; one document parses to itself, several to a list, as openapi.yaml describes."""
import schemathesis
import yaml


@schemathesis.deserializer("application/yaml")
def yaml_stream(_ctx, response):
    documents = list(yaml.safe_load_all(response.content))
    return documents[0] if len(documents) == 1 else documents
