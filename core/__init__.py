"""Shared utilities that know no app of the project."""
