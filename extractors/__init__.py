"""Extractors pull raw text and tables out of PDFs; they know nothing of codes."""
