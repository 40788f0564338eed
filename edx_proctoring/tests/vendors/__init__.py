"""Vendor integrations: reviews, the PSI anonymous callback, and the mock vendor over real HTTP."""
