// Module Store. See docs/architecture.md for the layering.
