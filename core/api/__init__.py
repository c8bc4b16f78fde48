"""Plumbing shared by the apps' API endpoints: paging, formats, caching, errors, licence."""
