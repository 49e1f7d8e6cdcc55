// Module Archive. See docs/architecture.md for the layering.
