"""Test package. Runs before conftest imports the domain: cheap password hashing for test users."""

import os

os.environ.setdefault("FORMAGA_PASSWORD_PROFILE", "test")
