"""tsmirror: mirror TypeScript constants and types into typed Python modules."""

__version__ = "0.2.0"
