"""rtwpanel: a register warehouse for return-to-work evaluations."""

__version__ = "0.1.0"
