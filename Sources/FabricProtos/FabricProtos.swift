// Generated Fabric protobuf types live here (scripts/generate-protos.sh).
