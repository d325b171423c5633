"""tsmirror: mirror TypeScript constants and types into typed Python modules."""
