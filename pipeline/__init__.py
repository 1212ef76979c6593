"""thaireport: pipeline stage."""
