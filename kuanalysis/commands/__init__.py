"""The commands ``kuanalysis check`` and ``kuanalysis fees``: reading their arguments'
files, printing in Swedish, exit codes. They sit above the parts they combine (the fee
command draws its sweep with :mod:`kuanalysis.reports.charts`), below :mod:`kuanalysis.cli`.
"""
