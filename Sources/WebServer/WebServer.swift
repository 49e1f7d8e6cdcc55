// Module WebServer. See docs/architecture.md for the layering.
