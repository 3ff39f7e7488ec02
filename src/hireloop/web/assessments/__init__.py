"""Pages of practical tasks: assigning one, the review queue and the review page."""
