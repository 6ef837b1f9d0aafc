"""The fees: the fee matrix, allocation keys, allocation, scenarios, the years ahead and the
balance account.

``matrix`` (the printed table's shape) -> ``keys`` (shares, key groups, population) ->
``allocation`` (whole kronor by largest remainder) -> ``proposals`` (each year's printed
proposal as a scenario) -> ``scenariofile`` and ``scenarios`` (budget alternatives: files
read and chains resolved into a ``model.Scenario``) -> ``projection`` (amounts and fees year
by year) -> ``balance`` (the balance account year by year) -> ``whatif`` (sweeps, the largest
value that keeps the balance).
"""
