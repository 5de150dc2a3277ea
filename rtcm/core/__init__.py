"""The ground floor: regions, roles, domain errors, shared helpers. Imports no app."""
