"""citelint's version: one home, read by the package, the caches' keys, the
User-Agent and SARIF, and by the build (pyproject.toml)."""

__version__ = "0.2.0"
