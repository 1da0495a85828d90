"""The award stage: what follows the ranked scores (standstill dates, award notice data, letters)."""
