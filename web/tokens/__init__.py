"""Pages where users create and revoke their personal API tokens."""
