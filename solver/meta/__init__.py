"""The doctrine meta-game: the doctrines' repeated-game values as a normal-form game, its equilibria and dynamics."""
