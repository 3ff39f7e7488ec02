"""Pages of the debrief and decision, a role's decision rules and preparation links."""
