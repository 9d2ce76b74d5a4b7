"""Exact edges of the Merkle tree modules (issue 14 part 3: mutation testing). No database.

The full run of merkle.py left one survivor (`and` -> `or` in the hash-length check), killed here.
Tests that kill survivors of merkle.py, merkle_consistency.py or merkle_memory.py go here; the
file is in the three modules' MODULES selection of tools/mutation.py.
"""

from jianguan.ledger.merkle import verify_inclusion


def test_a_hash_of_the_wrong_length_never_verifies():
    """Inputs are untrusted: a one-leaf tree whose leaf and root are the same short string
    would verify if only their type were checked, not their length."""
    for alg, size in (("sm3", 32), ("sha256", 32)):
        short, right = b"x" * (size - 1), b"x" * size
        assert not verify_inclusion(alg, short, 0, 1, [], short)
        assert not verify_inclusion(alg, bytearray(short), 0, 1, [], bytearray(short))
        assert verify_inclusion(alg, right, 0, 1, [], right)  # the same shape, right length
