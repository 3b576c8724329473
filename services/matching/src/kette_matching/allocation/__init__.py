"""Joint allocation of open requests to scarce places (min-cost flow), with greedy beside it."""
