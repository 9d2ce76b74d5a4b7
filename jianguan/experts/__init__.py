"""评标专家库 (expert pool, the seed's expert think tank) and the random, conflict-free draw."""
