"""Puljen: a group of young people decides together how to spend a shared pot."""
