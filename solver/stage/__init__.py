"""Normal-form (stage) games: equilibria, dominance, minmax, correlated equilibria, verification."""
