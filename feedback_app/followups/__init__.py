"""Follow-ups: calling back unhappy customers, owned by a marketer and due within hours."""
