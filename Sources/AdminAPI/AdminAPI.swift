// Module AdminAPI. See docs/architecture.md for the layering.
