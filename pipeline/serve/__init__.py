"""`thaireport serve`: a local web app for checking and correcting cells (see app.py)."""
