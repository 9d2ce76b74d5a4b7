"""Exact edges of the Merkle tree modules (issue 14 part 3: mutation testing). No database.

Empty so far: the partial run of merkle.py (160 of 321 mutants) left no undeclared survivor.
Tests that kill survivors of merkle.py, merkle_consistency.py or merkle_memory.py go here; the
file is in the three modules' MODULES selection of tools/mutation.py.
"""
