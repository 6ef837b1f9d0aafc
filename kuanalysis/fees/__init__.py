"""The fees: the fee matrix, allocation keys, allocation, scenarios and the balance account.

``matrix`` (the printed table's shape) -> ``keys`` (shares, key groups, population) ->
``allocation`` (whole kronor by largest remainder) -> ``scenarios`` (budget alternatives) ->
``balance`` (the balance account year by year).
"""
