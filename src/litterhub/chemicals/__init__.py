"""Chemicals in plastics: five public databases merged on validated CAS numbers into one record per substance.

`vocabulary` holds the small normalised vocabularies (functions, polymers, hazard classes, listings) with their
labels in the six UN languages; `sources` reads each database into long "claims" (CAS, source, field, value);
`merge` folds the claims into substance documents, keeping which source says what and showing conflicts.
"""
