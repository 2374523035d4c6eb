"""Demo data for a fresh installation: organizations, audits in every state, corrective
actions in every state. ``manage.py seed_demo`` runs the steps in order."""
