// Module SystemIO. See docs/architecture.md for the layering.
