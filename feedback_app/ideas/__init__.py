"""The idea board: post, vote, argue pros and cons, and hear back."""
