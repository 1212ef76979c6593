"""The version of thaireport (one place: the package, `--version` and the wheel read it)."""

__version__ = "0.2.0"
