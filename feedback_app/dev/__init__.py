"""Pages that exist only in demo mode."""
