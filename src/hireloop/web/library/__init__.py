"""Pages of the interview library."""
