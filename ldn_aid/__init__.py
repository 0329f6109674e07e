"""LDN Aid: a decision aid for prescribers asked about low-dose naltrexone (LDN) for ADHD."""

__version__ = "0.1.0"
