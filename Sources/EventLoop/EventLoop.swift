// Module EventLoop. See docs/architecture.md for the layering.
