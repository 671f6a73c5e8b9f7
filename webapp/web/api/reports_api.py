"""Reports from the ledger over the API, as JSON and as CSV."""
