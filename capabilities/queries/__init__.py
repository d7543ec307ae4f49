"""Read side: the register view, history as of a date, coverage gaps."""
