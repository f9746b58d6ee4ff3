"""Background jobs: long work (bulk badge PDFs, imports) with progress a page can follow."""
