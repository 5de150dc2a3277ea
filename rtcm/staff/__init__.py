"""The staff dashboard and the staff area's URL namespace (the top of the house)."""
