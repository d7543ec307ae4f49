"""Public pages about the service itself: the accessibility statement."""
