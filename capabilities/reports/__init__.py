"""Reports for Socialstyrelsen staff: the register as of a date, as xlsx or CSV."""
