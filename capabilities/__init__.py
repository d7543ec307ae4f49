"""Förmågeregistret domain: models, services and queries. No Flask here."""
