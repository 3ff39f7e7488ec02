"""Pages of roles and their interview plans, candidates and applications."""
