"""Printable documents: packing slips and carton labels as PDF, with barcodes that scan."""
