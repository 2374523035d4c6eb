"""The steps of Fairlink that span apps, composed in plain calls above the apps they use.

An accepted audit turns into a final score and then into corrective actions here, and nowhere
else: ``audits`` knows nothing of scores, ``scoring`` nothing of corrective actions.
"""
