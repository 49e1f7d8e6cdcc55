// Module HTTP1. See docs/architecture.md for the layering.
