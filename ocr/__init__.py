"""thaireport: ocr stage."""
