"""Studies that measure the claims of the notes (each returns numbers and can plot them)."""
