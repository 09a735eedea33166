"""Use cases: load state, call the deliberation core, save and commit in one transaction,
then hand the recorded events to the live hub. Routes call exactly one of these."""
