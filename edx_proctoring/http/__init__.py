"""HTTP plumbing shared by the REST views: base views, permission checks, input parsing, pagination."""
