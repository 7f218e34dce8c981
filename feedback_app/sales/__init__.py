"""Sales in: the CSV import, the shop systems' API and the follow-up cadence they start."""
