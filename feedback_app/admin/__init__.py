"""The marketers' console."""
