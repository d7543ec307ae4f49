"""Deadlines that reach people: "Mina uppgifter", the calendar feed, e-mail reminders."""
