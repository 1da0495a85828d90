"""After the award: the contract record, what was delivered against what was promised, and where
the supplier's money went."""
