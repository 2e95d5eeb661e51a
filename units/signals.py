"""Signals other apps listen to when the union tree changes."""

from django.dispatch import Signal

# Sent after a unit, with everything below it, was placed under another parent.
# Arguments: unit, old_parent, old_path, new_path. Apps that keep copies of tree
# paths rewrite the prefix old_path to new_path.
subtree_moved = Signal()
