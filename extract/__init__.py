"""thaireport: extract stage."""
