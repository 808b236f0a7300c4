"""Reporting points to chambers: participant lists (CSV, XLSX, printable PDF) and the EIV client."""
