"""Testimonials: the form, email confirmation, the customer's approval of an edit, withdrawal."""
