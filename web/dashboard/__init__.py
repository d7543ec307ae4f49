"""The dashboard (landing page) and the coverage-gap page."""
