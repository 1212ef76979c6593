"""thaireport: output stage."""
