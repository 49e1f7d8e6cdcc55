// Module Fabric. See docs/architecture.md for the layering.
