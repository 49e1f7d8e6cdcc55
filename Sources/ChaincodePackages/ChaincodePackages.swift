// Module ChaincodePackages. See docs/architecture.md for the layering.
