"""Developer tools that are not installed with the package (see README)."""
