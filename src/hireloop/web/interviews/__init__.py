"""Pages of interviews: the home page, scheduling, the interview page, live mode and scorecards."""
