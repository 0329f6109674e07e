"""Pure domain models: the visit file contract, the assessment and the protocol. No I/O, no Qt."""
