"""Code every app may use, knowing no app: the bottom of the import order."""
