"""Demo data for ``hireloop demo``: the top of the domain layers (it uses every app's services)
and an app only so that Django finds its management command."""
