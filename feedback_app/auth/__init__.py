"""Sign-in by emailed one-time link, the signed-in person, and the role guards."""
