"""The deliberation core: pots, rounds, proposals, ballots, voting rules and the ledger.

Pure Python, standard library only: no web framework, no database, no clock, no randomness
of its own (they are passed in). ``tests/deliberation/test_purity.py`` enforces this.
"""
